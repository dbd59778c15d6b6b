"""05 主进程代码运行完毕，守护进程就会结束
05 The daemon ends when the main code ends; a non-daemon child does not

中文简述：主进程代码结束，守护进程 p 立即被终止；非守护进程 p2 会运行完（456、end456）。
spawn/forkserver 下 123 从不出现；fork 下子进程起得快，123 偶尔会出现——教程说的“电脑运行过快”其实就是 fork。

教程的说法 / What the tutorial claims:
    “主进程代码运行完毕，守护进程就会结束”
    “没有打印123的原因是没有等到p1这个进程启动，代码就已经运行完成了……如果电脑运行过快……
     有可能就打印出来123，只要main__出现，123就不会出现了”
    “但是打印456，原因是：主进程需要等待非守护进程死掉后把pid给回收掉”
    Expected output: 'main____', '456', 'end456'. The daemon's 123 does not
    appear (maybe on a fast machine); 'end' never does. The non-daemon
    child always runs to its end, because the parent waits for it.

运行前先预测 / Predict before running:
    Does 123 appear? Does 'end'? Does the script end at once, or after the
    non-daemon child's 2 s?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    spawn, forkserver: the daemon is terminated at the parent's exit long
    before its new interpreter / forked child has reached foo(): 123 never
    prints.
    fork: the forked daemon is running within about a millisecond, so 123
    does print now and then -- the "fast machine" of the tutorial is in
    fact the fork start method. 'end' never prints under any method.
    456 and end456 always print; the script lasts about 2 s.
    The commented time.sleep(0.5) stays commented (with it, 123 would print
    under every method).
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
# main____
# 456
# end456
    
#没有打印123的原因是没有等到p1这个进程启动，代码就已经运行完成了，导致123没有出来，如果电脑运行过快，申请内存空间快，在P2.start()的时候，p1已经启动了，有可能就打印出来123，只要main__出现，123就不会出现了，p1（守护进程）立马会死掉
# 但是打印456，原因是：主进程需要等待非守护进程死掉后把pid给回收掉
