"""练习 guard：没有 __main__ 保护的进程 / Exercise guard: a Process without the main guard

任务 / Task:
    这个程序在模块顶层创建并启动子进程。在 fork 下它能运行；在 spawn 和 forkserver 下，
    子进程重新导入本文件时又执行到 p.start()，报 RuntimeError（bootstrapping phase）。
    请修改程序，使它在每一种启动方法下都正确运行。
    The program creates and starts its child at module level. It runs under fork;
    under spawn and forkserver the child imports this file again, reaches p.start()
    and dies with the "bootstrapping phase" RuntimeError. Make it correct under every
    start method.

完成标准 / Done when:
    在 fork、spawn、forkserver 和平台默认方式下都只打印一次 'child running <pid>' 和
    'main done, child exitcode 0'，退出码 0。不要改变启动方法。
    Under fork, spawn, forkserver and the platform default it prints
    'child running <pid>' once and 'main done, child exitcode 0', and exits 0.
    Do not change the start method.

提示 / Hint:
    把创建和启动进程的代码放进 if __name__ == '__main__': 里。
    Put the code that creates and starts the process under if __name__ == '__main__':.
"""
from multiprocessing import Process
import os


def task():
    print('child running', os.getpid())


p = Process(target=task)
p.start()
p.join()
print('main done, child exitcode', p.exitcode)
