"""A correct fix of exercises/globals: the greeting travels as an argument."""
from multiprocessing import Process


def worker(greeting, n):
    print('%s from worker %d' % (greeting, n))


if __name__ == '__main__':
    greeting = 'hello'
    workers = [Process(target=worker, args=(greeting, n)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
