"""练习 queue_deadlock：先 join 再取队列里的大数据 / Exercise queue_deadlock: join before draining a big item

任务 / Task:
    工作进程把结果（约 1 MB 的列表）放进队列。主进程先 join 它，再从队列取结果。
    一个往队列里放过数据的进程，要等数据全部写进管道才能退出；管道只能容纳几十 KB，
    没人读就写不完：主进程等子进程，子进程等主进程，死锁。这在每种启动方式下都一样，
    和学生在真实程序里遇到的一样。请修改程序。
    The worker puts its result (a list of about 1 MB) on a Queue. The main process
    joins it first and reads the queue afterwards. A process that has put data on a
    Queue cannot exit until all of it is written into the pipe, and a pipe holds a
    few dozen KB until someone reads it: main waits for the child, the child for
    main, a deadlock, under every start method. Fix the program.

完成标准 / Done when:
    每一种启动方式下打印 'got 100000 squares, last 9999800001' 和 'worker exitcode 0'，
    程序在几秒内结束，退出码 0。
    Under every start method it prints 'got 100000 squares, last 9999800001' and
    'worker exitcode 0', ends within seconds and exits 0.

提示 / Hint:
    先从队列取出结果（q.get()），再 join 工作进程。
    Read the result from the queue (q.get()) before joining the worker.
"""
from multiprocessing import Process, Queue


def worker(q, n):
    q.put([i * i for i in range(n)])


if __name__ == '__main__':
    q = Queue()
    p = Process(target=worker, args=(q, 100000))
    p.start()
    p.join()
    squares = q.get()
    print('got %d squares, last %d' % (len(squares), squares[-1]))
    print('worker exitcode', p.exitcode)
