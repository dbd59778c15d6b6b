"""17 join 一个往队列里放了大数据的子进程 / Joining a child that put big data on a Queue

中文简述：子进程往队列里放了 1 MB 数据，在数据被读走之前它无法退出：join(timeout=3) 之后仍然存活；
父进程 q.get() 之后子进程才结束。三种启动方式相同。办法：先读队列，再 join。

教程 / The tutorial:
    Its queue examples put small values. The documentation warns ("Joining
    processes that use queues"): a process that has put items on a Queue
    does not end until all of them have been written into the underlying
    pipe -- and a pipe holds only a few KiB until someone reads it.

What it does / 做什么:
    The child puts one string of 1,000,000 bytes on a Queue and returns.
    The parent joins it with a 3 s timeout BEFORE reading the queue, then
    reads, then joins again.

运行前先预测 / Predict before running:
    After join(timeout=3), is the child still alive? (Yes: it has returned
    from its target but cannot exit, its queue's feeder thread is blocked
    writing into the full pipe. Without the timeout, p.join() would never
    return: a deadlock.) After q.get()?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None: 'alive after join(timeout=3): True', then after the get:
    'after get: alive False exitcode 0 got 1000000', under all three.
    The limit is the pipe buffer (64 KiB on Linux, smaller on Windows);
    1 MB is far above it everywhere. Fix: read the queue before joining.
"""
from multiprocessing import Process, Queue


def put_big(q):
    q.put('x' * 1_000_000)


if __name__ == '__main__':
    q = Queue()
    p = Process(target=put_big, args=(q,))
    p.start()
    p.join(timeout=3)
    print('alive after join(timeout=3):', p.is_alive())
    data = q.get()
    p.join()
    print('after get: alive', p.is_alive(), 'exitcode', p.exitcode, 'got', len(data))
