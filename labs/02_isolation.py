"""02 进程之间的内存空间是隔离的 / Processes do not share memory

中文简述：子进程把 n 改成 0，父进程的 n 仍是 100；join 之前 is_alive() 为 True，之后为 False。
子进程打印的 ppid 在 fork 和 spawn 下是主进程的 pid，在 forkserver 下却是 fork server 的 pid，
所以教程的注释在 forkserver 下不成立。

教程的说法 / What the tutorial claims:
    “使用pid验证进程和进程之间数据是相互隔离的”
    The child sets the global n to 0 and sees 0; the parent still has 100.
    is_alive() is True before join() and False after it. The child's
    os.getppid() is the parent's pid (the tutorial's sample output:
    “0 7480 2156  #n的值，子进程的pid，和子进程的父进程的pid”).

运行前先预测 / Predict before running:
    What does the parent print for n after the child set it to 0? Is the
    third number of the child's line equal to the second number of the
    parent's line?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    n: the same under all three -- a forked child has a copy-on-write copy,
       a spawned child imports the module again (n=100) and sets its own.
    ppid: under fork and spawn the child's parent is the main process, as the
       tutorial says. Under forkserver the child is forked by the fork
       server, so os.getppid() is the server's pid, NOT the main process's:
       the tutorial's comment is false there.
       (multiprocessing.parent_process().pid is right under all three.)
"""
#实验目的：使用pid验证进程和进程之间数据是相互隔离的
from multiprocessing import Process
import time,os
n=100
def task():
    global n   #修改全局变量
    time.sleep(1)
    n=0
    print(n,os.getpid(),os.getppid())

if __name__=='__main__':
    p=Process(target=task,)
    p.start()
    print(p.is_alive())
    p.join()  #等待p这个进程运行完成才运行下面的代码
    print(p.is_alive())  #判断p这个进程是否存活
    print(n,os.getpid(),os.getppid())
# True
# 0 7480 2156  #n的值，子进程的pid，和子进程的父进程的pid
# False
# 100 2156 8312 #n的值，主进程的pid，父进程的pid（pycham的pid）
