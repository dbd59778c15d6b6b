"""练习 globals：在 __main__ 里设置、子进程需要的全局变量 / Exercise globals: state set in main that children need

任务 / Task:
    主进程在 __main__ 块里设置全局配置 settings['greeting']，再启动三个工作进程。
    fork 下子进程是父进程的副本，看到 'hello'；spawn 和 forkserver 下子进程重新导入本文件，
    __main__ 块不会运行，看到的是 None。请修改程序。
    The main block sets the global settings['greeting'], then starts three workers.
    Under fork a child is a copy of the parent and sees 'hello'; under spawn and
    forkserver the child imports this file again, the main block does not run there,
    and it sees None. Fix the program.

完成标准 / Done when:
    每一种启动方法下都打印 'hello from worker 0'、'hello from worker 1'、'hello from worker 2'
    （顺序不限）各一次，退出码 0。
    Under every start method it prints 'hello from worker 0', '... 1', '... 2' once
    each (any order) and exits 0.

提示 / Hint:
    子进程需要的数据，通过 args=... 作为参数传给它，不要依赖父进程里修改过的全局变量。
    Give a child what it needs as an argument (args=...), not through a global the
    parent changed.
"""
from multiprocessing import Process

settings = {'greeting': None}


def worker(n):
    print('%s from worker %d' % (settings['greeting'], n))


if __name__ == '__main__':
    settings['greeting'] = 'hello'
    workers = [Process(target=worker, args=(n,)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
