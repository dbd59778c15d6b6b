"""13 进程的 target 必须能被 pickle / The target must be picklable

教程 / The tutorial:
    教程中每个 target 都是模块级定义的函数。这个实验试两个不是的：一个 lambda 和一个嵌套函数。
    Every target in the tutorial is a function defined at module level.
    This lab tries two that are not: a lambda and a nested function.

运行前先预测 / Predict before running:
    每种启动方法下：每个 target 能运行吗？如果失败，是在父进程还是子进程，错误信息说什么？
    Under each start method: does each target run? If one fails, is it in
    the parent or in the child, and what does the message say?

各启动方法的区别 / What differs between the start methods:
    fork        两个都能运行：子进程是拷贝，直接调用它已有的函数对象；什么都不需要 pickle。
                both run: the child is a copy and calls the function object
                it already has; nothing is pickled.
    spawn,      两个都在父进程的 start() 中失败：Process 对象（连同它的 target）要被 pickle
    forkserver  后发给新进程，而 pickle 按模块和名字保存函数，lambda（'<lambda>'）和局部函数
                （'make_nested.<locals>.inner'）都没有可查找的名字。异常类型取决于版本
                （3.13 及以前为 AttributeError，3.14 起为 PicklingError）；信息里提到 pickle
                或 "local object"。脚本继续尝试下一个 target。Windows 上 spawn 的子进程在 pickle
                失败之前就已创建，可能打印它自己的错误（未验证）。
                both fail in the parent, inside start(): the Process object
                (with its target) is pickled to be sent to the new process,
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
    请用模块级定义的函数作为 target。
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
