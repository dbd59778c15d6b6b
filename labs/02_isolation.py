"""02 进程之间的内存空间是隔离的 / Processes do not share memory

教程的说法 / What the tutorial claims:
    “使用pid验证进程和进程之间数据是相互隔离的”
    子进程把全局变量 n 改成 0 并看到 0，父进程的 n 仍是 100。join() 之前 is_alive() 为 True，
    之后为 False。子进程的 os.getppid() 是父进程的 pid（教程的示例输出：
    “0 7480 2156  #n的值，子进程的pid，和子进程的父进程的pid”）。
    The child sets the global n to 0 and sees 0; the parent still has 100.
    is_alive() is True before join() and False after it. The child's
    os.getppid() is the parent's pid (the tutorial's sample output:
    “0 7480 2156  #n的值，子进程的pid，和子进程的父进程的pid”).

运行前先预测 / Predict before running:
    子进程把 n 设为 0 之后，父进程打印的 n 是多少？子进程那一行的第三个数，
    等于父进程那一行的第二个数吗？
    What does the parent print for n after the child set it to 0? Is the
    third number of the child's line equal to the second number of the
    parent's line?

各启动方法的区别 / What differs between the start methods:
    n：三种方法相同——fork 的子进程拥有写时复制的拷贝，spawn 的子进程重新导入模块（n=100）
       再设置自己的 n。
    ppid：fork 和 spawn 下子进程的父进程是主进程，与教程一致。forkserver 下子进程由
       fork server 复制出来，os.getppid() 是 server 的 pid，而不是主进程的：教程的注释在那里
       不成立。（multiprocessing.parent_process().pid 在三种方法下都正确。）
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
