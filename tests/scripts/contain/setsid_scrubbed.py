"""A child leaves the session and starts a process with an empty environment."""
import os
import subprocess
import sys
from multiprocessing import Process

from _note import note


def leave():
    os.setsid()
    p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], env={},
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    note(pid=p.pid, role="escapee", sid=os.getsid(0))
    print("escaped", flush=True)


if __name__ == "__main__":
    p = Process(target=leave)
    p.start()
    p.join()
    print("main done", flush=True)
