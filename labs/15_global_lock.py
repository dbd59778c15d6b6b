"""15 模块级的锁 / A Lock created at module level

教程 / The tutorial:
    06_mutex.py 在主程序块中创建互斥锁并传给每个子进程。如果锁只是一个模块级的全局变量呢？
    06_mutex.py creates its Lock in the main block and passes it to each
    child. What if the Lock is simply a module-level global?

做什么 / What it does:
    counter.txt 从 0 开始。四个工作进程等待同一个开始时刻，然后各做 200 次
    { with lock: 读出数字，写回数字 + 1 }，每次都打开并关闭文件，读和写之间停 1 毫秒
    （即使繁忙的机器让工作进程一个接一个地跑，没有保护时丢失更新也几乎必然发生；锁有效时
    总共只多花约 1 秒）。有保护时结果是 800；没有保护时增量会丢失（两个进程读到同一个数，
    都写回数字 + 1）。
    counter.txt starts at 0. Four workers wait for a common start instant,
    then each does 200 x { with lock: read the number, write number + 1 },
    opening and closing the file each time, with a 1 ms pause between the
    read and the write (it makes lost updates near-certain without
    protection, even when a busy machine runs the workers one after another;
    under a working lock it only costs ~1 s in all). Protected, the end
    result is 800; without protection, increments are lost (two workers read
    the same number, both write number + 1).

运行前先预测 / Predict before running:
    每种启动方法下 'counter = ? / 800'。
    'counter = ? / 800' under each start method.

各启动方法的区别 / What differs between the start methods:
    fork        800：子进程继承父进程的锁，大家共用一把锁。
                800: the children inherit the parent's lock, one lock shared
                by all.
    spawn       小于 800：每个子进程重新导入本文件，自己执行 `lock = Lock()`——四把不同的锁，
                没有保护。
                less than 800: each child imports this file again and runs
                `lock = Lock()` itself -- four different locks, no
                protection.
    forkserver  取决于版本：fork server 不预先导入主模块时（3.13.8 和 3.14.1 之前），每个子进程
                像 spawn 一样自己创建锁（< 800）；预先导入时（3.13.8+、3.14.1+：gh-126631），
                子进程共用 server 创建的那把锁（800）。
                release dependent: where the fork server does not preload
                the main module (before 3.13.8 and 3.14.1) each child makes
                its own lock, like spawn (< 800); where it does (3.13.8+,
                3.14.1+: gh-126631), the children share the server's
                lock (800).
    15_passed_lock.py 把锁作为参数传递：处处都是 800。每次写入先写临时文件再替换 counter.txt
    （os.replace，原子操作），所以没有保护时增量只会丢失、不会写乱：结果可能小于 800，不会大于。
    （原地写 counter.txt 会让两个无保护的写者混合数字，例如 '99' 写在 '100' 上变成 '990'。）
    15_passed_lock.py passes the Lock as an argument: 800 everywhere.
    Each write goes to a temporary file that then replaces counter.txt
    (os.replace, atomic), so without protection increments are only lost,
    never garbled: the result can be lower than 800, never higher. (Writing
    counter.txt in place would let two unprotected writers mix their digits,
    e.g. '99' over '100' gives '990'.)
"""
from multiprocessing import Process, Lock
import os
import time

lock = Lock()


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


def work(start_at):
    time.sleep(max(0, start_at - time.time()))
    for i in range(200):
        with lock:
            value = read_counter()
            time.sleep(0.001)  # a reader's pause: others may read the same value now
            write_counter(value + 1)


if __name__ == '__main__':
    write_counter(0)
    start_at = time.time() + 2.0
    p_l = [Process(target=work, args=(start_at,)) for i in range(4)]
    for p in p_l:
        p.start()
    for p in p_l:
        p.join()
    final = read_counter()
    print('counter = %d / %d' % (final, 800))
