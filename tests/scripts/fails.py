"""A script that fails: the kit still exits 0 and records it."""
from multiprocessing import Process


def boom():
    print("child about to fail")
    raise SystemExit(3)


if __name__ == "__main__":
    p = Process(target=boom)
    p.start()
    p.join()
    print("child exitcode", p.exitcode)
    raise RuntimeError("the script itself fails")
