"""01 变体：start() 之后 sleep(1) / Variant: sleep(1) after start()

中文简述：在 start() 之后 sleep(1)，子进程的第一行 '1、alex is running' 先于 '3、主'。
三种启动方式结果相同，区别只是启动耗时占用了这一秒中的多少。

教程的说法 / What the tutorial claims:
    “在start()后面sleep(1)秒，会发现先执行第一个print.”
    With time.sleep(1) after start(), the child's first print
    ('1、alex is running') appears before the parent's '3、主'.

运行前先预测 / Predict before running:
    Is one second enough for the child to start under every start method?
    Which of the three lines comes last? (The child's '2、alex is done',
    about 5 s after the start.)

fork / spawn / forkserver 的区别 / What differs between the start methods:
    Only how much of the second is used up by the start: about 1 ms under
    fork, tens of ms under spawn, a spawn once (the server) and then a fork
    under forkserver. Under all three the child's first line comes first.

This is 01_start.py with the commented time.sleep(1) switched on; nothing else
changed.
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
    time.sleep(1) #在start()后面sleep(1)秒，会发现先执行第一个print.
    print('3、主')
