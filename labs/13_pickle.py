"""13 进程的 target 必须能被 pickle / The target must be picklable

中文简述：用 lambda 和嵌套函数作为 target：fork 下都能运行；spawn 和 forkserver 下需要 pickle target，
在父进程的 start() 中就失败，错误信息提到 pickle 或 local object。

教程 / The tutorial:
    Every target in the tutorial is a function defined at module level.
    This lab tries two that are not: a lambda and a nested function.

运行前先预测 / Predict before running:
    Under each start method: does each target run? If one fails, is it in
    the parent or in the child, and what does the message say?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    fork        both run: the child is a copy and calls the function object
                it already has; nothing is pickled.
    spawn,      both fail in the parent, inside start(): the Process object
    forkserver  (with its target) is pickled to be sent to the new process,
                and pickle stores a function by its module and name, which
                a lambda ('<lambda>') and a local function
                ('make_nested.<locals>.inner') do not have. Messages:
                  lambda  PicklingError: Can't pickle <function <lambda> ...>:
                          attribute lookup <lambda> on __main__ failed
                  nested  Can't pickle local object 'make_nested.<locals>.inner'
                          (3.13: "Can't get local object ...")
                The exception type depends on the release (AttributeError up
                to 3.13, PicklingError from 3.14); the message mentions
                pickle or "local object". The script goes on and tries the
                next target.
                On Windows the spawned child is created before the pickling
                fails and may print an error of its own (unverified).
    Use a function defined at module level as target.
"""
from multiprocessing import Process


def make_nested():
    def inner():
        print('nested target ran')
    return inner


if __name__ == '__main__':
    targets = [('lambda', lambda: print('lambda target ran')),
               ('nested', make_nested())]
    for label, t in targets:
        try:
            p = Process(target=t)
            p.start()
            p.join()
            print(label + ': ran, exitcode', p.exitcode)
        except Exception as e:
            print(label + ': failed in parent:', type(e).__name__, e)
