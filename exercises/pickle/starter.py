"""练习 pickle：lambda 和嵌套函数作为 target / Exercise pickle: a lambda or nested function as target

任务 / Task:
    程序用嵌套函数作为子进程的 target。fork 下能运行（什么都不需要 pickle）；spawn 和
    forkserver 下，进程对象要被 pickle 发送给新进程，嵌套函数无法 pickle，父进程在
    start() 时就出错。请修改程序。
    The program uses nested functions as targets. Under fork they run (nothing is
    pickled); under spawn and forkserver the Process object is pickled to be sent to
    the new process, a nested function cannot be, and the parent fails in start().
    Fix the program.

完成标准 / Done when:
    每一种启动方法下打印 'square of 0 is 0'、'square of 1 is 1'、'square of 2 is 4'、
    'square of 3 is 9' 各一次，四个子进程退出码都是 0，主进程退出码 0。
    Under every start method it prints 'square of 0 is 0' ... 'square of 3 is 9' once
    each, four children exit 0, and the program exits 0.

提示 / Hint:
    target 必须是在模块顶层定义的函数；参数用 args=... 传递。
    A target must be a function defined at module level; pass its input with args=....
"""
from multiprocessing import Process


def make_task(n):
    def task():
        print('square of', n, 'is', n * n)
    return task


if __name__ == '__main__':
    procs = [Process(target=make_task(n)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
