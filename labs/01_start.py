"""01 开启进程的方式1：直接使用默认的 Process 类
01 Starting a process, way 1: the plain Process class

教程的说法 / What the tutorial claims:
    “起进程是需要时间的，起的时间足够python把下面的代码运行完”
    启动进程需要时间，足够父进程把 start() 后面的代码执行完：父进程的 '3、主'
    会先于子进程的 '1、alex is running' 打印。
    Starting a process takes time, enough for Python to run the code after
    start(): the parent's '3、主' is printed before the child's
    '1、alex is running'.

运行前先预测 / Predict before running:
    '3、主' 和 '1、alex is running' 哪一行先出现？主进程的代码在 start() 之后
    立刻结束，整个脚本却要运行多久？（父进程退出时会等待非守护的子进程：约 5 秒。）
    Which line comes first, '3、主' or '1、alex is running'? How long does the
    whole script take, although the main code ends right after start()?
    (The parent waits for its non-daemon child at exit: about 5 s.)

各启动方法的区别 / What differs between the start methods:
    spawn       子进程是一个新的解释器，要重新导入本文件（几十毫秒）：
                '3、主' 可靠地先出现。
                the child is a new interpreter that imports this file again
                (tens of ms): '3、主' comes first, reliably.
    forkserver  子进程由 fork server 复制出来；第一次 start() 还要先启动 server。
                start() 要等 server 送回子进程的 pid，这期间子进程可能已经开始运行并打印，
                所以先后顺序是竞争（race）：'3、主' 通常在前，但不保证。
                the child is forked by a server process (the first start also
                launches the server). start() waits for the server to send
                back the child's pid, and the child may already be running
                and printing by then: the order is a race -- '3、主' is
                usually first, not always.
    fork        子进程在 start() 内部由父进程直接复制（约 1 毫秒）：'3、主' 通常在前，
                但不保证——教程这句话在 fork 下只是“经常”成立。
                the child is a copy of the parent made inside start() (about
                1 ms): '3、主' is usually first, but not always -- the
                tutorial's sentence is only "frequent" under fork.
    实验工具在 fork 和 forkserver 下报告先后顺序的频率（race），只在 spawn 下断言。
    The kit reports the order's frequency under fork and forkserver (a race)
    and asserts it under spawn only.
    01_start_sleep.py 打开了注释掉的 time.sleep(1)；01_start_run.py 把 start() 换成 run()。
    See 01_start_sleep.py for the commented time.sleep(1) switched on, and
    01_start_run.py for run() called instead of start().
"""
#方式1：直接使用默认的Process类
#实验目的：查看进程起的时候是需要时间的，起的时间足够python把下面的代码运行完，
from multiprocessing import Process
import time

def task(name):
    print('1、%s is running' %name)
    time.sleep(5)
    print('2、%s is done' %name)
if __name__=='__main__':
    p=Process(target=task,args=('alex',)) #args后面使用的是一个元组的形式
    p.start()  #起进程是需要时间的，起的时间足够python把下面的代码运行完
    # time.sleep(1) #在start()后面sleep(1)秒，会发现先执行第一个print.
    print('3、主')
