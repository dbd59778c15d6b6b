"""01 开启进程的方式1：直接使用默认的 Process 类
01 Starting a process, way 1: the plain Process class

中文简述：教程说起进程需要时间，父进程会先打印 '3、主'。请先预测哪一行先出现。
spawn 和 forkserver 下 '3、主' 总是先出现；fork 下子进程起得很快（约 1 毫秒），
'3、主' 通常先出现，但不保证。

教程的说法 / What the tutorial claims:
    “起进程是需要时间的，起的时间足够python把下面的代码运行完”
    Starting a process takes time, enough for Python to run the code after
    start(): the parent's '3、主' is printed before the child's
    '1、alex is running'.

运行前先预测 / Predict before running:
    Which line comes first, '3、主' or '1、alex is running'? How long does the
    whole script take, although the main code ends right after start()?
    (The parent waits for its non-daemon child at exit: about 5 s.)

fork / spawn / forkserver 的区别 / What differs between the start methods:
    spawn       the child is a new interpreter that imports this file again
                (tens of ms): '3、主' comes first, reliably.
    forkserver  the child is forked by a server process (the first start also
                launches the server): '3、主' comes first, reliably.
    fork        the child is a copy of the parent made inside start() (about
                1 ms): '3、主' is usually first, but not always -- the
                tutorial's sentence is only "frequent" under fork.
    See 01_start_sleep.py for the commented time.sleep(1) switched on.
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
