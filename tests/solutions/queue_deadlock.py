"""A correct fix of exercises/queue_deadlock: read the queue, then join."""
from multiprocessing import Process, Queue


def worker(q, n):
    q.put([i * i for i in range(n)])


if __name__ == '__main__':
    q = Queue()
    p = Process(target=worker, args=(q, 100000))
    p.start()
    squares = q.get()
    p.join()
    print('got %d squares, last %d' % (len(squares), squares[-1]))
    print('worker exitcode', p.exitcode)
