"""12 在 __main__ 块里修改的全局变量 / A global changed in the main block

中文简述：主进程在 __main__ 块里修改全局变量后再开启子进程：fork 子进程看到 'set in main'，
spawn 和 forkserver 子进程看到模块原来的 'original'。

教程 / The tutorial:
    02_isolation.py shows that a child's changes do not reach the parent.
    This is the other direction: what does a child see of a global the
    parent changed before start()?

运行前先预测 / Predict before running:
    'child sees value =' what, under each start method?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        'set in main': the child is a copy of the parent's memory
                at start().
    spawn       'original': the child imports this file again; the guarded
                block does not run there, so value keeps the module's value.
    forkserver  'original': the child comes from the fork server, which
                never ran the guarded block either.
    Pass what a child needs as an argument (args=...) instead.
"""
from multiprocessing import Process

value = 'original'


def show():
    print('child sees value =', value)


if __name__ == '__main__':
    value = 'set in main'
    print('main sees value =', value)
    p = Process(target=show)
    p.start()
    p.join()
