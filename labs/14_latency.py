"""14 启动一个进程要多久 / How long does starting a process take?

教程的说法 / What the tutorial claims:
    “起进程是需要时间的” / “3.3秒，由此可以看到起一个进程是需要耗时的”
    启动进程需要时间。教程是在 Windows 上测的，那里每次启动都是 spawn。这个实验直接测量它。
    Starting a process costs time. The tutorial measured it on Windows,
    where every start is a spawn. This lab measures it directly.

运行前先预测 / Predict before running:
    一次启动与启动一个空解释器（python -c pass）相比如何？第一次启动比后面的慢吗？
    How does one start compare with starting a bare interpreter
    (python -c pass)? Is the first start slower than the later ones?

测量方法 / What is measured:
    1. 空解释器：subprocess.run([sys.executable, '-c', 'pass'])，在下面八次启动的每一次之前
       各一次（交错进行，让繁忙机器上的负载高峰对两者影响相同）；取中位数。
       A bare interpreter: subprocess.run([sys.executable, '-c', 'pass']),
       once before each of the eight starts below (interleaved, so that a
       burst of load on a busy machine weighs on both alike); the median.
    2. 八次启动：p.start() 之前读 time.perf_counter()；子进程做的第一件事是把自己的
       time.perf_counter() 放进队列。两者之差就是从 start() 到子进程开始运行 target 的时间。
       perf_counter() 在 Linux、macOS 和 Windows 上对同一台机器的所有进程是同一个时钟，
       所以两个读数可以相减。
       Eight starts: time.perf_counter() just before p.start(); the
       child's first act is to put its own time.perf_counter() on a Queue.
       The difference is the time from start() to the child running its
       target. perf_counter() is one clock for all processes of the machine
       on Linux, macOS and Windows, so the two readings can be subtracted.

各启动方法的区别 / What differs between the start methods:
    fork        约一毫秒：复制正在运行的进程。
                about a millisecond: a copy of the running process.
    spawn       每次大约是一个空解释器的启动，加上导入 multiprocessing 和本文件：几十毫秒，
                约为 fork 的 10-40 倍。
                about a bare interpreter start plus importing multiprocessing
                and this file, every time: tens of ms, roughly 10-40x fork.
    forkserver  第一次启动还要启动 fork server（像 spawn，慢）；之后是从 server 复制加上几条
                消息：几毫秒。
                the first start also launches the fork server (spawn-like,
                slow); the later ones are a fork of the server plus some
                messages: a few ms.
    绝对数值随机器和负载而变；请在同一次运行中按比值比较各方法。
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
