"""15 变体：作为参数传递的锁 / Variant: the Lock passed as an argument

教程 / The tutorial:
    这就是 06_mutex.py 的做法：锁在主程序块中创建，通过 args 交给每个子进程。
    This is how 06_mutex.py does it: the Lock is created in the main block
    and given to each child in args.

做什么 / What it does:
    与 15_global_lock.py 相同的计数器：四个工作进程、同一个开始时刻，各自在锁下把 counter.txt
    中的数字加一 200 次（读写之间同样停 1 毫秒）。
    The same counter as 15_global_lock.py: four workers, a common start
    instant, 200 locked increments each of the number in counter.txt
    (with the same 1 ms pause between read and write).

运行前先预测 / Predict before running:
    每种启动方法下 'counter = ? / 800'。
    'counter = ? / 800' under each start method.

各启动方法的区别 / What differs between the start methods:
    没有区别：三种方法下都是 800。作为参数传递的锁被继承（fork），或者作为同一个操作系统信号量
    的句柄发给子进程（spawn、forkserver）：大家共用一把锁。
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
