"""Prints what the forced start method looks like from inside the script and a child."""
import multiprocessing
import os


def child(q):
    q.put((os.getpid(), type(multiprocessing.current_process()).__name__))


if __name__ == "__main__":
    print("method", multiprocessing.get_start_method())
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(q,))
    p.start()
    pid, cls = q.get()
    p.join()
    print("child", pid, cls, p.exitcode)
