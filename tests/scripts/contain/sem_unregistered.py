"""A named semaphore the resource tracker never hears of (as when a run is killed
between sem_open and the tracker's registration), named as multiprocessing names them."""
import _multiprocessing
import os
import time
from multiprocessing import process

from _note import note

name = f"{process.current_process()._config['semprefix']}-unregistered"
sem = _multiprocessing.SemLock(1, 1, 1, name, False)  # kind, value, maxvalue, name, unlink
note(pid=os.getpid(), role="main", sem=name)
time.sleep(60)
