"""05 变体：'main____' 之后主进程还在运行 / Variant: main's code goes on after 'main____'

教程的说法 / What the tutorial claims:
    “只要main__出现，123就不会出现了，p1（守护进程）立马会死掉”
    只要 'main____' 出现，123 就不会再出现，守护进程立刻死掉。
    Once 'main____' has appeared, 123 will not: the daemon dies at once.

这个变体只改一处 / What this variant changes (one thing):
    在 print('main____') 之后加一行 time.sleep(2)：主进程的代码还没有运行完。
    One line after print('main____'): time.sleep(2) -- main's code has not
    ended yet.

运行前先预测 / Predict before running:
    123 会出现吗？在 'main____' 之前还是之后？守护进程的 'end' 呢？
    Does 123 appear, before or after 'main____'? Does the daemon's 'end'?

各启动方法的区别 / What differs between the start methods:
    没有区别：守护进程在主进程的代码运行完之后才被终止（multiprocessing 的退出处理函数），
    而不是在 'main____' 出现的时候。这里主进程在 'main____' 之后还要睡 2 秒，
    守护进程有足够的时间启动（即使 spawn 也只要几十到几百毫秒），
    所以 123 和 'end' 每次都在 'main____' 之后出现——教程的那句话被推翻。
    教程原来的脚本里 'main____' 是主进程的最后一句，差别只是这段时间很短：
    fork 下 123 仍然偶尔出现在 'main____' 之后（见 05_daemon_main_ends.py）。
    None. The daemon is terminated after main's code has ended (by
    multiprocessing's exit handler), not when 'main____' appears. Here main
    sleeps 2 s after 'main____': the daemon has time to start (tens to
    hundreds of ms even under spawn), so 123 and then 'end' print after
    'main____' every time -- the tutorial's sentence is refuted. In the
    tutorial's own script 'main____' is main's last statement and that time
    is short, yet under fork 123 still prints after 'main____' now and then
    (see 05_daemon_main_ends.py).
"""
#主进程代码运行完毕，守护进程就会结束
from multiprocessing import Process
from threading import Thread
import time
def foo():
    print(123)
    time.sleep(1)
    print('end')
def bar():
    print(456)
    time.sleep(2)
    print('end456')

if __name__=='__main__':
    p=Process(target=foo)
    p2=Process(target=bar)

    p.daemon=True

    p.start()
    p2.start()
    # time.sleep(0.5)
    print('main____')
    time.sleep(2)  #主进程的代码还没有运行完 / main's code has not ended yet
