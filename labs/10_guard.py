"""10 为什么需要 if __name__ == '__main__':（没有保护的脚本）
10 Why the `if __name__ == '__main__':` guard: a script without it

教程 / The tutorial:
    教程的每个程序都在 `if __name__=='__main__':` 下开启进程，却从没说为什么。作者在 Windows 上
    运行，那里这个保护是必需的。这个脚本故意没有保护：Process 在模块级创建并启动。
    Every program of the tutorial starts its processes under
    `if __name__=='__main__':` but never says why. Its author ran them on
    Windows, where the guard is mandatory. This script has NO guard, on
    purpose: the Process is created and started at module level.

运行前先预测 / Predict before running:
    每种启动方法下：'child running' 会出现吗？父进程打印的退出码是多少，父进程本身能活下来吗？
    Under each start method: does 'child running' appear? What exit code
    does the parent print, and does the parent itself survive?

各启动方法的区别 / What differs between the start methods:
    fork        正常运行：子进程是运行中父进程的拷贝，直接从 task() 开始；模块只执行一次。
                打印 'child running <pid>' 和 'main done, child exitcode 0'。
                works: the child is a copy of the running parent and starts
                directly in task(); the module is executed once. Prints
                'child running <pid>' and 'main done, child exitcode 0'.
    spawn       子进程是新解释器，为了找到 task() 要重新导入本文件（作为 __mp_main__），
                在模块级又执行到 p.start()，死于
                  RuntimeError: An attempt has been made to start a new
                  process before the current process has finished its
                  bootstrapping phase. ...
                父进程继续运行：'main done, child exitcode 1'。
                the child is a new interpreter that imports this file again
                (as __mp_main__) to find task(), reaches p.start() at module
                level and dies with the RuntimeError above. The parent goes
                on: 'main done, child exitcode 1'.
    forkserver  取决于 Python 版本。fork server 从 3.13.8 和 3.14.1 起预先导入（自己导入一次）
                主模块（gh-126631）；之前的所有版本——3.12 及更早、3.13.0–3.13.7、3.14.0——
                都不这样做，那里每个子进程像 spawn 一样导入它：同样的 RuntimeError，退出码 1。
                在 3.13.8+ 和 3.14.1+（例如 3.14.8）上，fork server 自己在导入本文件时死掉，
                父进程在 start() 中崩溃（ConnectionResetError / EOFError）：start() 之后的代码
                都不会执行。3.15 起预先导入出错会被忽略（gh-141860），于是又像 spawn 一样
                由每个子进程导入而失败。3.14 起这是 Linux 的默认启动方法：在 3.13 上用 fork
                能运行的脚本，在那里直接失败。
                depends on the Python release. The fork server preloads
                (imports once, itself) the main module from 3.13.8 and
                3.14.1 on (gh-126631); every release before -- 3.12 and
                older, 3.13.0-3.13.7, 3.14.0 -- did not, so there each child
                imports it like spawn: same RuntimeError, exit code 1.
                On 3.13.8+ and 3.14.1+ (e.g. 3.14.8) the fork server
                itself dies importing this file and the parent crashes in
                start() (ConnectionResetError / EOFError): nothing after
                start() runs. From 3.15 an error while preloading is
                ignored (gh-141860), so each child imports it and fails
                like spawn's again. This is the default method on Linux
                from 3.14 on: a script that worked with fork on 3.13 fails
                outright there.
    修正：把从 `p = Process(...)` 开始的所有代码放到保护之下。
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
