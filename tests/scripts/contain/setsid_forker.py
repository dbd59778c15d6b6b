"""A setsid child that forks a new pid every 5 ms, the old one leaving each time.

Each new process appends its pid to CONTAIN_BEAT: while that file grows, it lives.
"""
import os
import time

from _note import note

if __name__ == "__main__":
    if os.fork() == 0:
        os.setsid()
        note(pid=os.getpid(), role="forker", sid=os.getsid(0))
        beat = os.environ.get("CONTAIN_BEAT", os.devnull)
        os.closerange(3, 1024)
        while True:
            time.sleep(0.005)
            if os.fork() != 0:
                os._exit(0)
            fd = os.open(beat, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(fd, b"%d\n" % os.getpid())
            os.close(fd)
    print("main done", flush=True)
