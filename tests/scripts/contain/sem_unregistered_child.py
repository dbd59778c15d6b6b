"""The same unregistered semaphore, made by a spawn child while it imports the main
module (as a script without the __main__ guard does): until its Process object
arrives, a spawned interpreter has multiprocessing's default config, not its
parent's, so the run's prefix must reach it another way."""
import _multiprocessing
import multiprocessing as mp
import os
import time
from multiprocessing import process

from _note import note

if __name__ == "__mp_main__":
    name = f"{process.current_process()._config['semprefix']}-unregistered"
    sem = _multiprocessing.SemLock(1, 1, 1, name, False)  # kind, value, maxvalue, name, unlink
    note(pid=os.getpid(), role="child", sem=name)
    time.sleep(60)

if __name__ == "__main__":
    p = mp.get_context("spawn").Process(target=print)
    p.start()
    note(pid=os.getpid(), role="main")
    p.join()
