"""10 变体：没有保护的进程池 / Variant: a Pool without the `__main__` guard

中文简述：不写保护的进程池。fork 下打印 'pool result [0, 1, 4, 9]'；spawn 下工作进程不断重新导入、出错、被替换，
程序永远挂起（由看门狗结束）；forkserver 取决于 Python 版本。

教程 / The tutorial:
    The tutorial has no Pool, but the lesson of 10_guard.py is harsher
    with one: here Pool(2).map() runs at module level, unguarded.

运行前先预测 / Predict before running:
    Under fork, what is printed? Under spawn, does the script end?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        works: 'pool result [0, 1, 4, 9]'.
    spawn       HANGS FOR EVER. Each worker re-imports this file, reaches
                Pool(2) and dies with the bootstrapping RuntimeError; the
                pool replaces every dead worker with a new one, which dies
                the same way (hundreds of tracebacks in a few seconds) while
                map() waits for results that never come. Under the lab
                harness its watchdog ends the process tree; by hand, Ctrl+C
                (or kill it).
    forkserver  release dependent, like 10_guard.py: it hangs like spawn
                where the fork server does not preload the main module
                (before 3.13.8 and 3.14.1); where it does (3.13.8+, 3.14.1+:
                gh-126631), the parent fails when the server dies.
    Fix: put the `with Pool(2) ...` block under the guard.
"""
from multiprocessing import Pool


def square(x):
    return x * x


with Pool(2) as pool:
    print('pool result', pool.map(square, range(4)))
