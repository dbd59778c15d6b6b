"""12 在 __main__ 块里修改的全局变量 / A global changed in the main block

教程 / The tutorial:
    02_isolation.py 说明子进程的修改到不了父进程。这里是另一个方向：父进程在 start() 之前修改的
    全局变量，子进程看到的是什么？
    02_isolation.py shows that a child's changes do not reach the parent.
    This is the other direction: what does a child see of a global the
    parent changed before start()?

运行前先预测 / Predict before running:
    每种启动方法下 'child sees value =' 后面是什么？
    'child sees value =' what, under each start method?

各启动方法的区别 / What differs between the start methods:
    fork        'set in main'：子进程是父进程在 start() 时内存的拷贝。
                'set in main': the child is a copy of the parent's memory
                at start().
    spawn       'original'：子进程重新导入本文件；受保护的块在那里不运行，所以 value 保持模块里的值。
                'original': the child imports this file again; the guarded
                block does not run there, so value keeps the module's value.
    forkserver  'original'：子进程来自 fork server，它也从没运行过受保护的块。
                'original': the child comes from the fork server, which
                never ran the guarded block either.
    子进程需要的东西请作为参数（args=...）传过去。
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
