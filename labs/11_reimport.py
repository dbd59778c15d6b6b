"""11 主模块会被重新导入 / The main module is imported again in the children

中文简述：模块级代码在 fork 下只运行一次；spawn 下每个子进程再运行一次（__name__ 为 '__mp_main__'）；
forkserver 取决于 Python 版本。

教程 / The tutorial:
    Not covered. Code at module level (outside the guard) runs in the main
    process -- and, depending on the start method, again in children.

运行前先预测 / Predict before running:
    How many 'module level code runs in' lines, with which __name__ and
    which pids, for two children?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        once, in the main process ('__main__'): the children are
                copies made after the module had already run.
    spawn       once in the main process, plus once per child, where the
                file is imported as '__mp_main__' (so 3 lines for 2
                children, with the children's pids).
    forkserver  release dependent: like spawn (once per child) where the
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
