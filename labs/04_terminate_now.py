"""04 变体：terminate() 之后立刻检查 is_alive()
04 Variant: is_alive() right after terminate(), then the exit code

教程的说法 / What the tutorial claims:
    “给系统发一个信号，杀死子进程，这个是需要时间的，所有下面的判断，子进程还是存活的”
    terminate() 之后子进程立刻检查还活着，一秒后就没了。这个变体真的立刻检查
    （教程自己的脚本先睡一秒，无法显示“还活着”这一部分）。
    Right after terminate() the child is still alive; one second later it
    is gone. This variant really checks at once (the tutorial's own script
    sleeps a second first, so it cannot show the "still alive" part).

这个变体只改一处 / What this variant changes (one thing):
    在 04_terminate.py 的 p1.terminate() 之后加了三行 print。
    Three prints are added after p1.terminate() of 04_terminate.py.

运行前先预测 / Predict before running:
    'after terminate:' 是 True 还是 False？'1s later:' 呢？join() 之后退出码是多少？
    （POSIX 上是 -15，即 -signal.SIGTERM。）
    'after terminate:' True or False? '1s later:'? Which exit code after
    join()? (-15, i.e. -signal.SIGTERM, on POSIX.)

各启动方法的区别 / What differs between the start methods:
    POSIX，三种方法相同：terminate() 发送 SIGTERM 后立即返回；is_alive() 用不等待的
    waitpid() 询问，子进程通常还没死：'after terminate: True'（几乎总是，但不保证）。
    一秒后为 False；退出码 -15。
    Windows：terminate() 是 TerminateProcess；紧接着 is_alive() 是否已经为 False，
    取决于 3.11/3.12 的补丁版本；退出码 -15。
    POSIX, all three methods: terminate() sends SIGTERM and returns at once;
    is_alive() asks waitpid() without waiting, and the child has usually not
    died yet: 'after terminate: True' (almost always, not guaranteed).
    A second later: False; exitcode -15.
    Windows: terminate() is TerminateProcess; whether is_alive() is already
    False right after it depends on the 3.11/3.12 patch release; exitcode -15.
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
    p1.terminate()  #给系统发一个信号，杀死子进程，这个是需要时间的，所有下面的判断，子进程还是存活的，如果休息一秒，会发现子进程已经没了
    print('after terminate:', p1.is_alive())
    time.sleep(1)
    print('1s later:', p1.is_alive())
    p1.join()
    print('exitcode:', p1.exitcode)
    stop=time.time()
    print('3、主进程',stop-stat,os.getpid(),os.getppid())
