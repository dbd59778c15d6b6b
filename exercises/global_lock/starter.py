"""练习 global_lock：模块级的锁 / Exercise global_lock: a Lock created at module level

任务 / Task:
    四个工作进程各把 counter.txt 里的数加 100 次，每次都在 `with lock:` 里读、写。
    锁是模块级全局变量：fork 下子进程继承同一把锁，结果 400；spawn 下每个子进程重新导入
    本文件，各自创建一把锁，等于没有保护，结果小于 400。请修改程序。
    Four workers each add 1 to the number in counter.txt 100 times, reading and
    writing under `with lock:`. The Lock is a module-level global: under fork the
    children inherit one lock (400); under spawn each child imports this file again
    and makes its own lock, so nothing is protected (less than 400). Fix the program.

完成标准 / Done when:
    每一种启动方法下都打印 'counter = 400 / 400'，退出码 0。
    Under every start method it prints 'counter = 400 / 400' and exits 0.

提示 / Hint:
    在 __main__ 块里创建 Lock，并通过 args=... 传给每个工作进程（和教程的抢票程序一样）。
    Create the Lock in the main block and pass it to each worker in args=... (as the
    tutorial's ticket shop does).
"""
from multiprocessing import Process, Lock
import os
import time

lock = Lock()


def read_counter():
    with open('counter.txt') as f:
        return int(f.read())


def write_counter(value):
    # a temporary file, then an atomic replace: a reader never sees half a number
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


def work(start_at):
    time.sleep(max(0, start_at - time.time()))  # everyone begins at the same instant
    for i in range(100):
        with lock:
            value = read_counter()
            time.sleep(0.001)  # others may read the same value now
            write_counter(value + 1)


if __name__ == '__main__':
    write_counter(0)
    start_at = time.time() + 1.0
    workers = [Process(target=work, args=(start_at,)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print('counter = %d / %d' % (read_counter(), 400))
