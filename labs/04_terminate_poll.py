"""04 变体：terminate() 之后多久子进程才真的死掉 / Variant: how long terminate() takes to kill

教程的说法 / What the tutorial claims:
    “主动杀死进程，杀死进程也是给系统发起一个信号，需要比较长的时间才能把进程杀死”
    杀死进程是给系统发一个信号，需要比较长的时间才能把进程杀死。
    Killing a process is sending the system a signal, and it takes quite a
    long time until the process is dead.

这个变体只改一处 / What this variant changes (one thing):
    04_terminate.py 在 terminate() 之后睡一秒再检查；这里改为每毫秒检查一次 is_alive()，
    直到它变成 False，并打印用了多久。
    04_terminate.py sleeps a second after terminate() before it checks; here
    is_alive() is polled every millisecond until it is False, and the time
    it took is printed.

运行前先预测 / Predict before running:
    'dead after ... ms'：几毫秒、几百毫秒，还是接近一秒？
    'dead after ... ms': a few ms, hundreds of ms, or close to a second?

各启动方法的区别 / What differs between the start methods:
    没有区别：terminate() 在 POSIX 上发送 SIGTERM（Windows 上是 TerminateProcess），子进程
    在睡眠中，没有处理这个信号，内核立刻结束它；通常一两毫秒内 is_alive() 就变成 False。
    “需要时间”是对的（terminate() 返回的那一刻子进程通常还活着，见 04_terminate_now.py），
    但“比较长的时间”被推翻：是毫秒，而不是教程那一秒的睡眠所暗示的长度。
    None: terminate() sends SIGTERM on POSIX (TerminateProcess on Windows);
    the child is asleep and does not handle it, so the kernel ends it at
    once: is_alive() is usually False within a millisecond or two. "It
    takes time" is right (the child is usually alive the instant terminate()
    returns, see 04_terminate_now.py), but "quite a long time" is refuted:
    it is milliseconds, not the second the tutorial's sleep suggests.
"""
#实验目的，主动杀死进程，杀死进程也是给系统发起一个信号，需要比较长的时间才能把进程杀死
from  multiprocessing import Process
import time
import os
def task(n):
    print('1、%s is running' %n,os.getpid(),os.getppid())
    time.sleep(3)
    print('2、%s is done' %n,os.getpid(),os.getppid())

if __name__=='__main__':
    stat=time.time()
    p1=Process(target=task,args=('lqx',))
    p1.start()
    time.sleep(1)
    print(p1.is_alive())
    p1.terminate()  #给系统发一个信号，杀死子进程，这个是需要时间的
    t0=time.perf_counter()
    while p1.is_alive():  #每毫秒检查一次 / poll every millisecond
        time.sleep(0.001)
    print('dead after %.1f ms' %((time.perf_counter()-t0)*1000))
    p1.join()
    stop=time.time()
    print('3、主进程',stop-stat,os.getpid(),os.getppid())
