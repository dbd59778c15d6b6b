"""03 变体：每启动一个就 join 一个 / Variant: start and join one process at a time

教程的说法 / What the tutorial claims:
    “使用join方法实现并发执行”
    用 join 方法实现并发执行。
    "join makes the processes run concurrently."

这个变体只改一处 / What this variant changes (one thing):
    03_join.py 先启动全部三个进程、再逐个 join；这里把 join() 紧跟在每个 start() 之后：
        for p in p_l:
            p.start()
            p.join()
    03_join.py starts all three, then joins them; here each start() is
    followed at once by its join().

运行前先预测 / Predict before running:
    '主进程，...' 打印的总耗时接近 3 秒还是 6 秒？'2、1 is done' 会出现在
    '1、2 is running' 之前吗？
    Is the total printed in '主进程，...' closer to 3 s or to 6 s? Does
    '2、1 is done' come before '1、2 is running'?

各启动方法的区别 / What differs between the start methods:
    结果相同：约 6 秒（1+2+3），每个进程都在上一个结束之后才启动——串行。
    所以让进程并发的是 start()，join() 只是等待：在 03_join.py 中三个 start() 先全部执行，
    三个进程同时运行，总耗时约 3 秒；把 join() 放到每个 start() 后面，就变成了串行。
    “使用join方法实现并发执行”被推翻。多出 6 秒的部分仍是启动开销
    （fork 几毫秒，spawn 每个几十毫秒）。
    The same outcome: about 6 s (1+2+3), each process starting only after
    the previous one ended -- serial. So start() is what makes processes
    concurrent; join() only waits. In 03_join.py the three start() calls
    come first and the three run at once (about 3 s); with join() right
    after each start() the run is serial. "join makes them concurrent" is
    refuted. What exceeds 6 s is still the start cost (a few ms under fork,
    tens of ms per child under spawn).
"""
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
        p.join()  #启动一个、等它结束，再启动下一个 / one at a time
    stop=time.time()
    print('主进程，%s'%str(stop-stat),os.getpid(),os.getppid())
