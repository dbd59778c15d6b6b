"""05 变体：守护进程不能再开启子进程
05 Variant: a daemon process may not start a child

教程的说法 / What the tutorial claims:
    “开启守护进程，是不能在守护进程中再次开启子进程的。”
    “开启守护进程后不允许再次开启子进程”
    守护进程里的 p.start() 失败：
        AssertionError: daemonic processes are not allowed to have children
    守护进程立即死掉（traceback 打印在它的 stderr 上，退出码 1），从不打印 'lqx is runing'；
    'bar' 也不会打印。父进程不受影响，睡眠 1 秒后打印 '主进程'。
    The daemon's p.start() fails with
        AssertionError: daemonic processes are not allowed to have children
    so the daemon dies at once (traceback on its stderr, exit code 1) and
    never prints 'lqx is runing'; 'bar' never prints. The parent is not
    affected and prints '主进程' after its 1 s sleep.

这个变体只改一处 / What this variant changes (one thing):
    打开 05_daemon.py 中 task() 里注释掉的两行。
    The two commented lines in task() of 05_daemon.py are switched on.

运行前先预测 / Predict before running:
    哪个进程报错，父进程还是守护进程？打印了哪些行？
    Which process raises the error, the parent or the daemon? Which lines
    are printed?

各启动方法的区别 / What differs between the start methods:
    没有区别：检查在 Process.start() 本身之中，在任何启动方法起作用之前。它是一个 assert，
    所以在 `python -O` 下不存在，守护进程真的会启动孙进程。
    None: the check is in Process.start() itself, before any start method is
    involved. It is an `assert`, so under `python -O` it is gone and the
    daemon does start the grandchild.
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
