"""Starts a child that sleeps, so a run is still going when a test interrupts it."""

import multiprocessing as mp
import time


def nap(seconds):
    time.sleep(seconds)


if __name__ == "__main__":
    p = mp.Process(target=nap, args=(120,))
    p.start()
    print("sleeping", p.pid, flush=True)
    p.join()
    print("woke up")
