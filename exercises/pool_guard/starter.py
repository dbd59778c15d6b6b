"""练习 pool_guard：没有 __main__ 保护的进程池 / Exercise pool_guard: a Pool without the main guard

任务 / Task:
    进程池在模块顶层创建。fork 下打印结果；spawn 下每个工作进程重新导入本文件，又去创建
    进程池，出错后被替换，程序永远挂起。请修改程序。
    The Pool is created at module level. Under fork it prints its result; under spawn
    every worker imports this file again, tries to create a Pool itself, dies and is
    replaced: the program hangs for ever. Fix the program.

完成标准 / Done when:
    每一种启动方法下打印一次 'pool result [0, 1, 4, 9, 16]'，在几秒内结束，退出码 0。
    Under every start method it prints 'pool result [0, 1, 4, 9, 16]' once, ends within
    seconds and exits 0.

提示 / Hint:
    函数 square 可以留在模块顶层（子进程要找到它），但 with Pool(...) 这一段要放进
    if __name__ == '__main__': 里。
    square stays at module level (the workers must find it), but the `with Pool(...)`
    block goes under if __name__ == '__main__':.
"""
from multiprocessing import Pool


def square(x):
    return x * x


with Pool(2) as pool:
    print('pool result', pool.map(square, range(5)))
