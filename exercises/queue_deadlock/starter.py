"""练习 queue_deadlock：先 join 再取队列里的数据 / Exercise queue_deadlock: join before draining the queue

任务 / Task:
    工作进程计算平方和，把结果和它的进度记录 notes 一起放进队列；主进程先 join 它，再从队列
    取结果。notes 是模块级列表，主进程准备数据时也往里记了 5 万条。spawn 和 forkserver 下
    子进程的 notes 是新的，只有一条，数据很小，程序正常；fork 下子进程复制了主进程的 notes，
    要发回 5 万多条（1 MB 以上）。一个往队列里放过数据的进程，要等数据全部写进管道才能退出，
    而管道只能容纳几十 KB：主进程等子进程，子进程等主进程读，死锁。请修改程序。
    The worker computes a sum of squares and puts it on a Queue together with its
    progress notes; the main process joins it first and reads the queue afterwards.
    `notes` is a module-level list, and main wrote 50,000 notes into it while
    preparing. Under spawn and forkserver the child's notes are new, one note, a small
    item: the program works. Under fork the child copies main's notes and sends back
    over 50,000 of them (more than 1 MB). A process that has put data on a Queue
    cannot exit until all of it is written into the pipe, and a pipe holds a few dozen
    KB until someone reads it: main waits for the child, the child for main, a
    deadlock. Fix the program.

完成标准 / Done when:
    每一种启动方法下打印 'worker total 333328333350000'、'worker said: squared 100000 numbers'
    和 'worker exitcode 0'，在几秒内结束，退出码 0。
    Under every start method it prints 'worker total 333328333350000',
    'worker said: squared 100000 numbers' and 'worker exitcode 0', ends within seconds
    and exits 0.

提示 / Hint:
    先从队列取出结果（q.get()），再 join 工作进程：无论数据多大都不会死锁。
    Read the result (q.get()) before joining the worker: then no size of data deadlocks.
"""
from multiprocessing import Process, Queue

notes = []  # what this process has done, for the log


def note(text):
    notes.append(text)


def worker(q, n):
    total = sum(i * i for i in range(n))
    note('squared %d numbers' % n)
    q.put((total, notes))  # the result and the notes, for main to log


if __name__ == '__main__':
    for i in range(50000):
        note('prepared item %d' % i)
    q = Queue()
    p = Process(target=worker, args=(q, 100000))
    p.start()
    p.join()
    total, worker_notes = q.get()
    print('worker total', total)
    print('worker said:', worker_notes[-1])
    print('worker exitcode', p.exitcode)
