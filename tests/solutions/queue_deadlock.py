"""A correct fix of exercises/queue_deadlock: read the queue, then join."""
from multiprocessing import Process, Queue

notes = []


def note(text):
    notes.append(text)


def worker(q, n):
    total = sum(i * i for i in range(n))
    note('squared %d numbers' % n)
    q.put((total, notes))


if __name__ == '__main__':
    for i in range(50000):
        note('prepared item %d' % i)
    q = Queue()
    p = Process(target=worker, args=(q, 100000))
    p.start()
    total, worker_notes = q.get()
    p.join()
    print('worker total', total)
    print('worker said:', worker_notes[-1])
    print('worker exitcode', p.exitcode)
