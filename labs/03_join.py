"""03 进程中的 join 方法 / join(): waiting for children that run concurrently

教程的说法 / What the tutorial claims:
    “使用join方法实现并发执行,并且查看到起进程是需要耗时间的，并且很长”
    “3.3秒，由此可以看到起一个进程是需要耗时的”
    三个子进程（分别睡 1、2、3 秒）同时运行：总耗时约等于最长的 3 秒，而不是 6 秒之和；
    超出 3 秒的部分是启动进程的开销。
    但让它们同时运行的是 start()，不是 join()：三个 start() 先全部执行，join() 只是等待。
    “使用join方法实现并发执行”被推翻——03_join_serial.py 把 join() 放在每个 start() 之后，
    总耗时就变成约 6 秒。
    The three children (sleeping 1, 2 and 3 s) run at the same time: the
    total is about the longest sleep (3 s), not the sum (6 s); what exceeds
    3 s is the cost of starting processes. But what makes them run at once
    is start(), not join(): the three start() calls come first, join() only
    waits. "join makes them concurrent" is refuted -- 03_join_serial.py puts
    join() right after each start() and the total becomes about 6 s.

运行前先预测 / Predict before running:
    '主进程，...' 打印的总耗时接近 3 秒还是 6 秒？每种启动方法下超出 3 秒多少？
    The total printed in '主进程，...': closer to 3 or to 6? How much above
    3 s under each start method?

各启动方法的区别 / What differs between the start methods:
    三种方法下总耗时都约 3 秒。超出部分是启动开销：fork 几毫秒，spawn 每个子进程几十毫秒
    （每个都是新解释器），forkserver 第一次像 spawn、之后接近 fork。forkserver 下子进程打印的
    ppid 是 fork server 的 pid（见 02）。
    The total is about 3 s under all three. The excess is the start cost:
    a few ms under fork, tens of ms per child under spawn (a new interpreter
    each), a spawn once then fork-like under forkserver. Under forkserver the
    ppid printed by the children is the fork server's pid (see 02).
"""
#实验目的，使用join方法实现并发执行,并且查看到起进程是需要耗时间的，并且很长
from  multiprocessing import Process
import os,time

def task(n):
    print('1、%s is running' %n,os.getpid(),os.getppid())
    time.sleep(n)
    print('2、%s is done' %n,os.getpid(),os.getppid())

if __name__=='__main__':
    p1=Process(target=task,args=(1,))
    p2=Process(target=task,args=(2,))
    p3=Process(target=task,args=(3,))
    stat=time.time()
    p_l=[p1,p2,p3]
    for p in p_l:
        p.start()
    for p in p_l:
        p.join()
    stop=time.time()
    print('主进程，%s'%str(stop-stat),os.getpid(),os.getppid())
# 1、1 is running 4680 6188
# 1、2 is running 9988 6188
# 1、3 is running 8564 6188
# 2、1 is done 4680 6188
# 2、2 is done 9988 6188
# 2、3 is done 8564 6188
# 主进程，3.3031890392303467 6188 8312  #3.3秒，由此可以看到起一个进程是需要耗时的，6188是主进程的pid，8312是pycharm的pid
