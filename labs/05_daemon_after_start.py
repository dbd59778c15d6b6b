"""05 变体：start() 之后才设置 daemon / Variant: setting daemon after start()

教程的说法 / What the tutorial claims:
    “p.daemon=True  #守护进程开启必须在开启进程之前”
    必须在开启进程之前设置守护进程。
    daemon must be set before the process is started.

这个变体只改一处 / What this variant changes (one thing):
    05_daemon.py 中 p.daemon=True 移到 p.start() 之后。
    p.daemon=True of 05_daemon.py moves after p.start().

运行前先预测 / Predict before running:
    会报什么错？在哪个进程里？子进程还会运行完（打印 'lqx is end'）吗？
    '主进程' 会打印吗？
    What error, and in which process? Does the child still run to its end
    ('lqx is end')? Is '主进程' printed?

各启动方法的区别 / What differs between the start methods:
    没有区别：设置 daemon 时 multiprocessing 检查进程是否已经启动，
    主进程中抛出 AssertionError: process has already started，主进程的代码就此结束
    （退出码 1，'主进程' 不打印）。子进程已经作为非守护进程启动，退出处理函数会等它：
    'lqx is runing'、2 秒后 'lqx is end' 照常打印。教程的说法被证实。
    （python -O 会去掉 assert，那时不报错。）
    None: setting daemon checks that the process has not started; the main
    process raises AssertionError: process has already started and its code
    ends there (exit code 1, '主进程' is not printed). The child had already
    started as a non-daemon, so the exit handler waits for it: 'lqx is runing'
    and, 2 s later, 'lqx is end' still print. The tutorial is confirmed.
    (python -O strips asserts: then there is no error.)
"""
from multiprocessing import Process
import time,os
def task(name):
    print('%s is runing' %name)
    time.sleep(2)
    print('%s is end' %name)
if __name__=='__main__':
    p=Process(target=task,args=('lqx',))
    p.start()
    p.daemon=True  #守护进程开启必须在开启进程之前：这里晚了 / too late: already started
    time.sleep(1)
    print('主进程')
