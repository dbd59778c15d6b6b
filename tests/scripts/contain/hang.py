"""A child that never ends and a main that waits for it (signals come from outside)."""
import os
import time
from multiprocessing import Process

from _note import note


def forever():
    note(pid=os.getpid(), role="child")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=forever)
    p.start()
    note(pid=os.getpid(), role="main")
    p.join()
