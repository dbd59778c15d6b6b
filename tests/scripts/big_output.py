"""100,000 lines from a child, some Chinese, and bytes that are not UTF-8."""
import os
import sys
from multiprocessing import Process


def chatter(n):
    for i in range(n):
        print("line", i)
    print("中文输出 ✓")


if __name__ == "__main__":
    p = Process(target=chatter, args=(100_000,))
    p.start()
    p.join()
    sys.stdout.buffer.write(b"not utf-8: \xff\xfe end\n")
    sys.stdout.flush()
    os.write(2, b"fd-level \xc3\x28 bytes\n")
    print("partial line without newline", end="")
