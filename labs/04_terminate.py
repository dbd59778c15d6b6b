"""04 进程对象的其它属性和方法：terminate() 与 is_alive()
04 terminate() and is_alive()

教程的说法 / What the tutorial claims:
    “给系统发一个信号，杀死子进程，这个是需要时间的，所有下面的判断，子进程还是存活的，
     如果休息一秒，会发现子进程已经没了”
    terminate() 只是发出一个信号，杀死进程需要时间。（教程的代码在检查之前先睡了一秒，
    所以打印 True，然后 False。）子进程在 3 秒的睡眠中被杀死，永远不会打印 '2、lqx is done'。
    terminate() only sends a signal; killing takes time. (In the tutorial's
    code the check comes after a one-second sleep, so it prints True, then
    False.) The child, killed during its 3 s sleep, never prints
    '2、lqx is done'.

运行前先预测 / Predict before running:
    打印的两个布尔值是什么？'2、lqx is done' 会出现吗？脚本大约运行多久？
    （04_terminate_now.py 在 terminate() 之后立刻检查 is_alive()，并打印退出码。）
    The two printed booleans? Is '2、lqx is done' ever printed? About how
    long does the script take? (04_terminate_now.py checks is_alive() right
    after terminate() and prints the exit code.)

各启动方法的区别 / What differs between the start methods:
    结果没有区别：True，然后 False；子进程的最后一行永远不出现；POSIX 上 join() 之后的退出码是
    -15（-SIGTERM）。Windows 上 terminate() 是 TerminateProcess，退出码也报告为 -15。
    forkserver 下子进程打印的 ppid 是 fork server 的 pid。
    None in the outcome: True, then False; the child's last line never comes;
    the exit code after join() is -15 (-SIGTERM) on POSIX. On Windows
    terminate() is TerminateProcess and the exit code is also reported as -15.
    Under forkserver the child's printed ppid is the fork server's pid.
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
    time.sleep(1)
    print(p1.is_alive())
    p1.join()
    stop=time.time()
    print('3、主进程',stop-stat,os.getpid(),os.getppid())
