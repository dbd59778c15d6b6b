"""A classic daemon: fork, setsid, fork again, exec with an empty environment."""
import os
import sys
import time

from _note import note

if __name__ == "__main__":
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            note(pid=os.getpid(), role="daemon", sid=os.getsid(0))
            os.closerange(3, 1024)
            os.execve(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)"], {})
        os._exit(0)
    time.sleep(0.3)
    print("main done", flush=True)
