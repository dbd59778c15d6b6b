"""16 默认的启动方法 / The default start method

教程 / The tutorial:
    教程从未提到启动方法：作者用的是 Windows，那里只有 spawn，所以教程里看到的都是 spawn 的行为。
    你的机器默认用哪一种？
    It never mentions start methods: its author's Windows has only spawn,
    so what the tutorial shows is spawn's behaviour. Which one does your
    machine use?

运行前先预测 / Predict before running:
    你的平台和 Python 版本的默认启动方法是什么？'all start methods' 列表的第一个是哪一个？
    The default start method of your platform and Python version. Which one
    comes first in the 'all start methods' list?

各启动方法的区别 / What differs:
    默认值本身（CPython 的 multiprocessing/context.py）：
        Windows                               spawn（唯一可用的方法）
        macOS，3.8 起                          spawn（fork、forkserver 也可用）
        其他 POSIX（Linux、BSD 等），3.13 及以前  fork
        其他 POSIX，3.14 起                     forkserver（macOS 除外的所有 POSIX）
    get_all_start_methods() 总是把默认方法放在第一位：3.8–3.13 按平台写死
    （macOS 为 ['spawn', 'fork', ...]，其他 POSIX 为 ['fork', 'spawn', ...]），
    3.14 起直接由默认方法算出。3.11 上就已经是默认方法在前。
    The default itself (CPython's multiprocessing/context.py):
        Windows                               spawn (the only one)
        macOS, 3.8+                           spawn (fork, forkserver exist)
        other POSIX (Linux, BSDs...), <= 3.13  fork
        other POSIX, >= 3.14                  forkserver (every POSIX but macOS)
    get_all_start_methods() lists the default first on every release the
    kit runs: 3.8-3.13 hard-code the order per platform (['spawn', 'fork',
    ...] on macOS, ['fork', 'spawn', ...] elsewhere), 3.14 computes it from
    the default. So 3.11 already puts the default first.
    直接运行（python labs/16_default_method.py）时打印平台默认值；若启动方法已从外部设定
    （实验工具就是这样做的），get_start_method() 报告的是那一个。
    Run by hand (`python labs/16_default_method.py`) it prints the platform
    default; when the start method has been chosen from outside (as the lab
    harness does), get_start_method() reports that one instead.
"""
import multiprocessing
import platform
import sys


def child():
    print('child ran')


if __name__ == '__main__':
    print('default start method:', multiprocessing.get_start_method())
    print('all start methods:', multiprocessing.get_all_start_methods())
    print('platform:', sys.platform, 'python', platform.python_version())
    p = multiprocessing.Process(target=child)
    p.start()
    p.join()
