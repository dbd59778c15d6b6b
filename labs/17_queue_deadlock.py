"""17 join 一个往队列里放了大数据的子进程 / Joining a child that put big data on a Queue

教程 / The tutorial:
    教程的队列示例只放小的值。文档警告过（“联结使用队列的进程”）：往队列里放了数据的进程，要等
    所有数据都写进底层管道才会结束——而在有人读取之前，管道只能装下几 KiB。
    Its queue examples put small values. The documentation warns ("Joining
    processes that use queues"): a process that has put items on a Queue
    does not end until all of them have been written into the underlying
    pipe -- and a pipe holds only a few KiB until someone reads it.

做什么 / What it does:
    子进程往队列里放一个 1,000,000 字节的字符串然后返回。父进程在读队列之前先用 3 秒超时
    join 它，然后读取，再 join 一次。
    The child puts one string of 1,000,000 bytes on a Queue and returns.
    The parent joins it with a 3 s timeout BEFORE reading the queue, then
    reads, then joins again.

运行前先预测 / Predict before running:
    join(timeout=3) 之后子进程还活着吗？（是的：它已经从 target 返回，却无法退出，队列的
    feeder 线程阻塞在写满的管道上。没有超时的话，p.join() 永远不会返回：死锁。）q.get() 之后呢？
    After join(timeout=3), is the child still alive? (Yes: it has returned
    from its target but cannot exit, its queue's feeder thread is blocked
    writing into the full pipe. Without the timeout, p.join() would never
    return: a deadlock.) After q.get()?

各启动方法的区别 / What differs between the start methods:
    没有区别：三种方法下都是 'alive after join(timeout=3): True'，读取之后是
    'after get: alive False exitcode 0 got 1000000'。限制来自管道缓冲区（Linux 上 64 KiB，
    Windows 上更小）；1 MB 在哪里都远超它。修正：先读队列，再 join。
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
