"""15 模块级的锁 / A Lock created at module level

教程 / The tutorial:
    06_mutex.py creates its Lock in the main block and passes it to each
    child. What if the Lock is simply a module-level global?

What it does / 做什么:
    counter.txt starts at 0. Four workers wait for a common start instant,
    then each does 200 x { with lock: read the number, write number + 1 },
    opening and closing the file each time. Protected, the end result is
    800; without protection, increments are lost (two workers read the same
    number, both write number + 1).

运行前先预测 / Predict before running:
    'counter = ? / 800' under each start method.

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        800: the children inherit the parent's lock, one lock shared
                by all.
    spawn       less than 800: each child imports this file again and runs
                `lock = Lock()` itself -- four different locks, no
                protection.
    forkserver  release dependent: where the fork server does not preload
                the main module (up to 3.13.0, 3.14.0) each child makes its
                own lock, like spawn (< 800); where it does (3.14.1+), the
                children share the server's lock (800).
    15_passed_lock.py passes the Lock as an argument: 800 everywhere.
    A read may find the file empty, just truncated by another worker about
    to write it: then the worker reads again (that only happens without
    protection).
"""
from multiprocessing import Process, Lock
import time

lock = Lock()


def read_counter():
    while True:
        with open('counter.txt') as f:
            text = f.read()
        if text:  # empty: another process has just truncated it to rewrite it
            return int(text)


def work(start_at):
    time.sleep(max(0, start_at - time.time()))
    for i in range(200):
        with lock:
            value = read_counter()
            with open('counter.txt', 'w') as f:
                f.write(str(value + 1))


if __name__ == '__main__':
    with open('counter.txt', 'w') as f:
        f.write('0')
    start_at = time.time() + 1.0
    p_l = [Process(target=work, args=(start_at,)) for i in range(4)]
    for p in p_l:
        p.start()
    for p in p_l:
        p.join()
    final = read_counter()
    print('counter = %d / %d' % (final, 800))
