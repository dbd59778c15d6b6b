"""A correct fix of exercises/pickle: a module-level target, its input in args."""
from multiprocessing import Process


def task(n):
    print('square of', n, 'is', n * n)


if __name__ == '__main__':
    procs = [Process(target=task, args=(n,)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
