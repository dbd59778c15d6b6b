"""A correct fix of exercises/global_lock: one Lock made in main, passed to each worker."""
from multiprocessing import Process, Lock
import os
import time


def read_counter():
    with open('counter.txt') as f:
        return int(f.read())


def write_counter(value):
    tmp = 'counter.txt.%d.tmp' % os.getpid()
    with open(tmp, 'w') as f:
        f.write(str(value))
    for attempt in range(100):
        try:
            os.replace(tmp, 'counter.txt')
            return
        except PermissionError:
            if attempt == 99:
                raise
            time.sleep(0.01)


def work(lock, start_at):
    time.sleep(max(0, start_at - time.time()))
    for i in range(100):
        with lock:
            value = read_counter()
            time.sleep(0.001)
            write_counter(value + 1)


if __name__ == '__main__':
    lock = Lock()
    write_counter(0)
    start_at = time.time() + 1.0
    workers = [Process(target=work, args=(lock, start_at)) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print('counter = %d / %d' % (read_counter(), 400))
