"""A process killed inside sem_open(), after glibc made its temporary file
(/dev/shm/sem.XXXXXX) and before it linked and unlinked it: made here as glibc makes
it, then held until the watchdog kills the run."""
import os
import random
import string
import time

from _note import note

name = "sem." + "".join(random.choices(string.ascii_letters + string.digits, k=6))
fd = os.open(os.path.join("/dev/shm", name), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, bytes(32))  # a sem_t, as sem_open writes it before it maps and links it
note(pid=os.getpid(), role="main", sem="/" + name[len("sem."):], file=name)
time.sleep(60)
