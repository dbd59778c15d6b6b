"""05 守护进程的使用 / Daemon processes

教程的说法 / What the tutorial claims:
    “主进程的代码运行完毕以后守护进程就没有意义存在了，会立马死掉”
    守护进程在主进程的代码运行完毕时立刻被杀死：先打印 'lqx is runing'（子进程在父进程
    睡眠的 1 秒内启动），然后是 '主进程'，'lqx is end' 永远不出现。
    （“runing” 是教程的拼写，故意保留。）
    A daemon child is killed as soon as the main process's code has finished:
    'lqx is runing' is printed (the child starts during the parent's 1 s
    sleep), then '主进程', and 'lqx is end' never appears.
    ("runing" is the tutorial's spelling, kept on purpose.)

运行前先预测 / Predict before running:
    三行中哪几行会出现，顺序如何？脚本运行 1 秒还是 2 秒？
    Which of the three lines appear, in which order? How long does the
    script run: 1 s or 2 s?

各启动方法的区别 / What differs between the start methods:
    结果没有区别。解释器退出时，multiprocessing 终止守护子进程（然后 join 其他子进程），
    与启动方法无关；启动只需在父进程的 1 秒睡眠内完成，三种方法都做得到。脚本约 1 秒结束。
    05_daemon_child.py 打开 task() 中注释掉的两行；05_daemon_main_ends.py 是教程的第二个
    守护进程程序；05_daemon_after_start.py 在 start() 之后才设置 daemon。
    None in the outcome. At interpreter exit multiprocessing terminates the
    daemonic children (then joins the others), whatever the start method;
    the start only has to fit in the parent's 1 s sleep, which it does under
    all three. The script ends after about 1 s.
    05_daemon_child.py switches on the commented lines in task();
    05_daemon_main_ends.py is the tutorial's second daemon program;
    05_daemon_after_start.py sets daemon after start().
"""
#守护进程：当子进程执行的任务在父进程代码运行完毕后就没有必要存在的必要了，那么该子进程需要设置为守护进程。
#实验目的：开启守护进程，是不能在守护进程中再次开启子进程的。
from multiprocessing import Process
import time,os
def bar():
    print('bar')
def task(name):
    # p=Process(target=bar,)  #开启守护进程后不允许再次开启子进程
    # p.start()
    print('%s is runing' %name)
    time.sleep(2)
    print('%s is end' %name)
if __name__=='__main__':
    p=Process(target=task,args=('lqx',))
    p.daemon=True  #守护进程开启必须在开启进程之前
    p.start()
    time.sleep(1)
    print('主进程')
# lqx is runing  #在休息的1秒中的时候，守护进程启动，然后瞬间运行了第一条，然后sleep了，主进程运行完成了，程序结束
# 主进程
