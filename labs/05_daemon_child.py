"""05 变体：守护进程不能再开启子进程
05 Variant: a daemon process may not start a child

中文简述：守护进程里再开启子进程会失败：AssertionError: daemonic processes are not allowed to have children。
报错的是守护进程本身，父进程照常打印 '主进程'。三种启动方式相同（python -O 下 assert 被去掉）。

教程的说法 / What the tutorial claims:
    “开启守护进程，是不能在守护进程中再次开启子进程的。”
    “开启守护进程后不允许再次开启子进程”
    The daemon's p.start() fails with
        AssertionError: daemonic processes are not allowed to have children
    so the daemon dies at once (traceback on its stderr, exit code 1) and
    never prints 'lqx is runing'; 'bar' never prints. The parent is not
    affected and prints '主进程' after its 1 s sleep.

运行前先预测 / Predict before running:
    Which process raises the error, the parent or the daemon? Which lines
    are printed?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None: the check is in Process.start() itself, before any start method is
    involved. It is an `assert`, so under `python -O` it is gone and the
    daemon does start the grandchild.

This is 05_daemon.py with the two commented lines in task() switched on.
"""
#守护进程：当子进程执行的任务在父进程代码运行完毕后就没有必要存在的必要了，那么该子进程需要设置为守护进程。
#实验目的：开启守护进程，是不能在守护进程中再次开启子进程的。
from multiprocessing import Process
import time,os
def bar():
    print('bar')
def task(name):
    p=Process(target=bar,)  #开启守护进程后不允许再次开启子进程
    p.start()
    print('%s is runing' %name)
    time.sleep(2)
    print('%s is end' %name)
if __name__=='__main__':
    p=Process(target=task,args=('lqx',))
    p.daemon=True  #守护进程开启必须在开启进程之前
    p.start()
    time.sleep(1)
    print('主进程')
