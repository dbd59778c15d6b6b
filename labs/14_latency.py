"""14 启动一个进程要多久 / How long does starting a process take?

中文简述：测量启动一个进程要多久，并以启动一个空解释器为基准。fork 约 1 毫秒；spawn 每次几十毫秒；
forkserver 第一次慢（要先启动 fork server），之后几毫秒。比较比值，不比较绝对值。

教程的说法 / What the tutorial claims:
    “起进程是需要时间的” / “3.3秒，由此可以看到起一个进程是需要耗时的”
    Starting a process costs time. The tutorial measured it on Windows,
    where every start is a spawn. This lab measures it directly.

运行前先预测 / Predict before running:
    How does one start compare with starting a bare interpreter
    (python -c pass)? Is the first start slower than the later ones?

What is measured / 测量方法:
    1. A bare interpreter: subprocess.run([sys.executable, '-c', 'pass']),
       once before each of the eight starts below (interleaved, so that a
       burst of load on a busy machine weighs on both alike); the median.
    2. Eight starts: time.perf_counter() just before p.start(); the
       child's first act is to put its own time.perf_counter() on a Queue.
       The difference is the time from start() to the child running its
       target. perf_counter() is one clock for all processes of the machine
       on Linux, macOS and Windows, so the two readings can be subtracted.

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        about a millisecond: a copy of the running process.
    spawn       about a bare interpreter start plus importing multiprocessing
                and this file, every time: tens of ms, roughly 10-40x fork.
    forkserver  the first start also launches the fork server (spawn-like,
                slow); the later ones are a fork of the server plus some
                messages: a few ms.
    Absolute numbers vary with the machine and its load; compare the methods
    by ratio, in the same run.
"""
from multiprocessing import Process, Queue
import statistics
import subprocess
import sys
import time


def report(q):
    q.put(time.perf_counter())


if __name__ == '__main__':
    # The bare interpreter starts are interleaved with the process starts, so that a
    # burst of load on a busy machine weighs on both sides of the comparison alike.
    q = Queue()
    bare = []
    starts = []
    for i in range(8):
        t = time.perf_counter()
        subprocess.run([sys.executable, '-c', 'pass'])
        bare.append((time.perf_counter() - t) * 1000)
        p = Process(target=report, args=(q,))
        t = time.perf_counter()
        p.start()
        child_t = q.get()
        p.join()
        starts.append((child_t - t) * 1000)
        print('start %d: %.1f ms' % (i + 1, (child_t - t) * 1000))
    print('bare interpreter start: %.1f ms (median of 8, interleaved with the starts)'
          % statistics.median(bare))
    print('first start: %.1f ms, later starts median: %.1f ms'
          % (starts[0], statistics.median(starts[1:])))
