"""01 变体：start() 之后 sleep(1) / Variant: sleep(1) after start()

教程的说法 / What the tutorial claims:
    “在start()后面sleep(1)秒，会发现先执行第一个print.”
    在 start() 之后 sleep(1) 秒，子进程的第一行 '1、alex is running' 会先于父进程的
    '3、主' 打印。
    With time.sleep(1) after start(), the child's first print
    ('1、alex is running') appears before the parent's '3、主'.

这个变体只改一处 / What this variant changes (one thing):
    打开 01_start.py 中注释掉的 time.sleep(1)，其他不变。
    The commented time.sleep(1) of 01_start.py is switched on; nothing else
    changes.

运行前先预测 / Predict before running:
    一秒钟在每种启动方法下都够子进程启动吗？三行中哪一行最后出现？
    （子进程的 '2、alex is done'，启动后约 5 秒。）
    Is one second enough for the child to start under every start method?
    Which of the three lines comes last? (The child's '2、alex is done',
    about 5 s after the start.)

各启动方法的区别 / What differs between the start methods:
    只是启动用掉了这一秒中的多少：fork 约 1 毫秒，spawn 几十毫秒，forkserver 第一次像 spawn
    （要先启动 server），之后像 fork。三种方法下子进程的第一行都先出现。教程的说法被证实。
    Only how much of the second the start uses up: about 1 ms under fork,
    tens of ms under spawn, a spawn once (the server) and then a fork under
    forkserver. Under all three the child's first line comes first. The
    tutorial is confirmed.
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
