"""A correct fix of exercises/sentinel: None is the same end marker in every process."""
from multiprocessing import Process, Queue


def consumer(q):
    while True:
        item = q.get()
        if item is None:
            break
        print('ate', item)


if __name__ == '__main__':
    q = Queue()
    eaters = [Process(target=consumer, args=(q,)) for i in range(2)]
    for e in eaters:
        e.start()
    for i in range(6):
        q.put('bun %d' % i)
    for e in eaters:
        q.put(None)
    for e in eaters:
        e.join()
    print('all eaten')
