"""10 为什么需要 if __name__ == '__main__':（没有保护的脚本）
10 Why the `if __name__ == '__main__':` guard: a script without it

中文简述：故意不写 if __name__ == '__main__':。fork 下正常运行；spawn 下子进程重新导入本文件，
再次执行 p.start()，报 RuntimeError（bootstrapping phase），退出码 1，父进程继续；
forkserver 取决于 Python 版本（3.13.8+ 和 3.14.1+ 上 fork server 预先导入主模块时自己崩溃，父进程也跟着出错）。

教程 / The tutorial:
    Every program of the tutorial starts its processes under
    `if __name__=='__main__':` but never says why. Its author ran them on
    Windows, where the guard is mandatory. This script has NO guard, on
    purpose: the Process is created and started at module level.

运行前先预测 / Predict before running:
    Under each start method: does 'child running' appear? What exit code
    does the parent print, and does the parent itself survive?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        works: the child is a copy of the running parent and starts
                directly in task(); the module is executed once. Prints
                'child running <pid>' and 'main done, child exitcode 0'.
    spawn       the child is a new interpreter that imports this file again
                (as __mp_main__) to find task(), reaches p.start() at module
                level and dies with
                  RuntimeError: An attempt has been made to start a new
                  process before the current process has finished its
                  bootstrapping phase. ...
                The parent goes on: 'main done, child exitcode 1'.
    forkserver  depends on the Python release. The fork server preloads
                (imports once, itself) the main module from 3.13.8 and
                3.14.1 on (gh-126631); every release before -- 3.12 and
                older, 3.13.0-3.13.7, 3.14.0 -- did not, so there each child
                imports it like spawn: same RuntimeError, exit code 1.
                Where it preloads (e.g. 3.14.8, 3.15), the fork server
                itself dies importing this file and the
                parent crashes in start() (ConnectionResetError / EOFError):
                nothing after start() runs. This is the default method on Linux from 3.14 on:
                a script that worked with fork on 3.13 fails outright there.
    Fix: put everything from `p = Process(...)` on under the guard.
"""
from multiprocessing import Process
import os


def task():
    print('child running', os.getpid())


p = Process(target=task)
p.start()
p.join()
print('main done, child exitcode', p.exitcode)
