"""Prints the descriptor number a new file gets, in main and in a child."""
import multiprocessing as mp
import os


def first_free():
    fd = os.open(os.devnull, os.O_RDONLY)
    os.close(fd)
    return fd


def child(q):
    q.put(first_free())


if __name__ == "__main__":
    print("main", first_free())
    q = mp.Queue()
    p = mp.Process(target=child, args=(q,))
    p.start()
    print("child", q.get())
    p.join()
    print("main after", first_free())
