"""10 变体：没有保护的进程池 / Variant: a Pool without the `__main__` guard

教程 / The tutorial:
    教程没有用进程池，但 10_guard.py 的教训在进程池上更严厉：这里 Pool(2).map() 在模块级运行，
    没有保护。
    The tutorial has no Pool, but the lesson of 10_guard.py is harsher
    with one: here Pool(2).map() runs at module level, unguarded.

运行前先预测 / Predict before running:
    fork 下打印什么？spawn 下脚本会结束吗？
    Under fork, what is printed? Under spawn, does the script end?

各启动方法的区别 / What differs between the start methods:
    fork        正常：'pool result [0, 1, 4, 9]'。
                works: 'pool result [0, 1, 4, 9]'.
    spawn       永远挂起。每个工作进程重新导入本文件，执行到 Pool(2)，死于 bootstrapping 的
                RuntimeError；进程池用新的工作进程替换每个死掉的，新的又以同样的方式死掉（几秒内
                几百个 traceback），而 map() 一直等待永远不会来的结果。在实验工具下由看门狗结束
                进程树；手动运行时按 Ctrl+C（或者 kill 它）。
                HANGS FOR EVER. Each worker re-imports this file, reaches
                Pool(2) and dies with the bootstrapping RuntimeError; the
                pool replaces every dead worker with a new one, which dies
                the same way (hundreds of tracebacks in a few seconds) while
                map() waits for results that never come. Under the lab
                harness its watchdog ends the process tree; by hand, Ctrl+C
                (or kill it).
    forkserver  取决于版本，和 10_guard.py 一样：fork server 不预先导入主模块时（3.13.8 和
                3.14.1 之前）像 spawn 一样挂起；预先导入时（3.13.8+、3.14.1+：gh-126631），
                server 死掉，父进程随之失败；3.15 起忽略预先导入的错误（gh-141860），
                又像 spawn 一样挂起。
                release dependent, like 10_guard.py: it hangs like spawn
                where the fork server does not preload the main module
                (before 3.13.8 and 3.14.1); where it does (3.13.8+, 3.14.1+:
                gh-126631), the parent fails when the server dies; from
                3.15 an error while preloading is ignored (gh-141860) and
                it hangs like spawn again.
    修正：把 `with Pool(2) ...` 块放到保护之下。
    Fix: put the `with Pool(2) ...` block under the guard.
"""
from multiprocessing import Pool


def square(x):
    return x * x


with Pool(2) as pool:
    print('pool result', pool.map(square, range(4)))
