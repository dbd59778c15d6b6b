"""A child terminated at ~1 s, joined at ~3 s: it died at 1 s, its parent saw it at 3 s."""
import multiprocessing as mp
import time


def sleeper():
    time.sleep(30)


if __name__ == "__main__":
    p = mp.Process(target=sleeper)
    p.start()
    time.sleep(1)
    p.terminate()
    print("terminated", flush=True)
    time.sleep(2)
    p.join()
    print("joined", p.exitcode)
