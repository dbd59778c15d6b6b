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
    123 会出现吗？在 'main____' 之前还是之后？守护进程一秒后的 'end' 呢？
    Does 123 appear, before or after 'main____'? Does the daemon's 'end',
    a second after its 123?

各启动方法的区别 / What differs between the start methods:
    守护进程在主进程的代码运行完之后才被终止（multiprocessing 的退出处理函数），而不是在
    'main____' 出现的时候。这里主进程在 'main____' 之后还要睡 2 秒，所以守护进程没有死：
    它打印 123，一秒后打印 'end'——'end' 在三种启动方法下每次都出现在 'main____' 之后，
    教程的那句话被推翻。123 本身：spawn 和 forkserver 下子进程启动需要几十到几百毫秒，
    123 出现在 'main____' 之后；fork 下守护进程约 1 毫秒就在运行，123 常常抢在 'main____' 之前。
    教程原来的脚本里 'main____' 是主进程的最后一句，这段时间很短，但 fork 下 123 仍可能出现在
    'main____' 之后（见 05_daemon_main_ends.py）。
    The daemon is terminated after main's code has ended (by
    multiprocessing's exit handler), not when 'main____' appears. Here main
    sleeps 2 s after 'main____', so the daemon does not die: it prints 123
    and, a second later, 'end' -- 'end' comes after 'main____' every time,
    under all three methods: the tutorial's sentence is refuted. 123 itself:
    under spawn and forkserver the start takes tens to hundreds of ms and
    123 comes after 'main____'; under fork the daemon runs within about a
    millisecond and 123 often beats 'main____'. In the tutorial's own script
    'main____' is main's last statement and that time is short, yet under
    fork 123 can still print after 'main____' (see 05_daemon_main_ends.py).
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
