"""15 变体：作为参数传递的锁 / Variant: the Lock passed as an argument

中文简述：锁在主进程中创建并作为参数传入（和 06_mutex.py 一样），三种启动方式下结果都是 800。

教程 / The tutorial:
    This is how 06_mutex.py does it: the Lock is created in the main block
    and given to each child in args.

What it does / 做什么:
    The same counter as 15_global_lock.py: four workers, a common start
    instant, 200 locked increments each of the number in counter.txt
    (with the same 1 ms pause between read and write).

运行前先预测 / Predict before running:
    'counter = ? / 800' under each start method.

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None: 800 under all three. Passed as an argument, the Lock is inherited
    (fork) or sent to the child as a handle to the same operating-system
    semaphore (spawn, forkserver): one lock for all.
"""
from multiprocessing import Process, Lock
import os
import time


def read_counter():
    with open('counter.txt') as f:
        return int(f.read())


def write_counter(value):
    # write a temporary file, then replace counter.txt with it (atomic): a
    # reader sees the old or the new number, never a half-written file
    tmp = 'counter.txt.%d.tmp' % os.getpid()
    with open(tmp, 'w') as f:
        f.write(str(value))
    for attempt in range(100):
        try:
            os.replace(tmp, 'counter.txt')
            return
        except PermissionError:  # Windows: counter.txt is open elsewhere right now
            if attempt == 99:
                raise
            time.sleep(0.01)


def work(lock, start_at):
    time.sleep(max(0, start_at - time.time()))
    for i in range(200):
        with lock:
            value = read_counter()
            time.sleep(0.001)  # a reader's pause: others may read the same value now
            write_counter(value + 1)


if __name__ == '__main__':
    lock = Lock()
    write_counter(0)
    start_at = time.time() + 2.0
    p_l = [Process(target=work, args=(lock, start_at)) for i in range(4)]
    for p in p_l:
        p.start()
    for p in p_l:
        p.join()
    final = read_counter()
    print('counter = %d / %d' % (final, 800))
