"""A named semaphore (a spawn Lock) held by a child that never ends."""
import multiprocessing as mp
import os
import time

from _note import note


def forever(lock):
    note(pid=os.getpid(), role="child")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    lock = ctx.Lock()
    p = ctx.Process(target=forever, args=(lock,))
    p.start()
    note(pid=os.getpid(), role="main", sem=lock._semlock.name)
    p.join()
