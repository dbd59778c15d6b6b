"""A child that never ends: the watchdog must end the whole tree."""
import time
from multiprocessing import Process


def forever():
    print("child up", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    p = Process(target=forever)
    p.start()
    print("parent waits", flush=True)
    p.join()
