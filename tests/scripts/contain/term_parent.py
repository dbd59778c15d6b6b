"""Starts a child, then sends SIGTERM to its own parent: labkit's python.

With CONTAIN_ONCE set to a path, only the second run does it (the first run finishes).
"""
import os
import signal
import sys
import time
from multiprocessing import Process

from _note import note


def forever():
    while True:
        time.sleep(1)


if __name__ == "__main__":
    once = os.environ.get("CONTAIN_ONCE")
    if once and not os.path.exists(once):
        open(once, "w").close()
        print("first run finishes", flush=True)
        sys.exit(0)
    p = Process(target=forever)
    p.start()
    note(pid=os.getpid(), role="main")
    note(pid=p.pid, role="child")
    os.kill(os.getppid(), signal.SIGTERM)
    time.sleep(60)
