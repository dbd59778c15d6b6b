"""Three children alive at once, each for half a second."""
import multiprocessing as mp
import time

if __name__ == "__main__":
    children = [mp.Process(target=time.sleep, args=(0.5,)) for _ in range(3)]
    for p in children:
        p.start()
    for p in children:
        p.join()
    print("codes", [p.exitcode for p in children])
