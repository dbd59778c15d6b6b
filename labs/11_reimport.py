"""11 主模块会被重新导入 / The main module is imported again in the children

教程 / The tutorial:
    教程没有讲到。模块级（保护之外）的代码在主进程中运行——并且视启动方法，在子进程中再运行。
    Not covered. Code at module level (outside the guard) runs in the main
    process -- and, depending on the start method, again in children.

运行前先预测 / Predict before running:
    两个子进程时，会有几行 'module level code runs in'，各是哪个 __name__、哪个 pid？
    How many 'module level code runs in' lines, with which __name__ and
    which pids, for two children?

各启动方法的区别 / What differs between the start methods:
    fork        一次，在主进程中（'__main__'）：子进程是在模块运行之后才复制出来的。
                once, in the main process ('__main__'): the children are
                copies made after the module had already run.
    spawn       主进程一次，再加每个子进程一次，子进程中本文件作为 '__mp_main__' 导入
                （两个子进程共 3 行，带着子进程的 pid）。
                once in the main process, plus once per child, where the
                file is imported as '__mp_main__' (so 3 lines for 2
                children, with the children's pids).
    forkserver  取决于版本：fork server 不预先导入主模块时像 spawn（每个子进程一次）；预先导入时
                （3.13.8+、3.14.1+：gh-126631），主进程一次、fork server 一次（'__mp_main__'），
                与子进程个数无关。
                release dependent: like spawn (once per child) where the
                fork server does not preload the main module; where it does
                (3.13.8+, 3.14.1+: gh-126631), once in the main process
                and once in the fork server ('__mp_main__'), whatever the
                number of children.
"""
from multiprocessing import Process
import os

print('module level code runs in', __name__, os.getpid())


def child():
    print('child', os.getpid())


if __name__ == '__main__':
    p_l = [Process(target=child), Process(target=child)]
    for p in p_l:
        p.start()
    for p in p_l:
        p.join()
    print('main done')
