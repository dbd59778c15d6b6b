"""A setsid child that forks a new pid every 5 ms, the old one leaving each time."""
import os
import time

from _note import note

if __name__ == "__main__":
    if os.fork() == 0:
        os.setsid()
        note(pid=os.getpid(), role="forker", sid=os.getsid(0))
        os.closerange(3, 1024)
        while True:
            time.sleep(0.005)
            if os.fork() != 0:
                os._exit(0)
    print("main done", flush=True)
