"""16 默认的启动方式 / The default start method

中文简述：打印默认的启动方式：Linux 上 3.13 及以前是 fork，3.14 起是 forkserver；macOS 和 Windows 是 spawn。

教程 / The tutorial:
    Never mentions start methods: its author's Windows only has spawn, so
    what the tutorial saw is spawn's behaviour. Which one does your machine
    use?

运行前先预测 / Predict before running:
    The default start method on your platform and Python version.

fork / spawn / forkserver 的区别 / What differs:
    The default itself:
        Linux, Python <= 3.13    fork
        Linux, Python >= 3.14    forkserver
        macOS (3.8+)             spawn   (fork and forkserver available)
        Windows                  spawn   (the only one)
    From 3.14 on, 'all start methods' lists the default first.
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
