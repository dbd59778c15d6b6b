"""How many threads the script's processes have: the kit must add none."""
import multiprocessing as mp
import threading


def os_threads():
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("Threads:"))
    except OSError:
        return -1


def child(q):
    q.put((threading.active_count(), os_threads()))


if __name__ == "__main__":
    print("main", threading.active_count(), os_threads(), flush=True)
    q = mp.Queue()
    p = mp.Process(target=child, args=(q,))
    p.start()
    print("child", *q.get())
    p.join()
