"""05 主进程代码运行完毕，守护进程就会结束
05 The daemon ends when the main code ends; a non-daemon child does not

教程的说法 / What the tutorial claims:
    “主进程代码运行完毕，守护进程就会结束”
    “没有打印123的原因是没有等到p1这个进程启动，代码就已经运行完成了……如果电脑运行过快……
     有可能就打印出来123，只要main__出现，123就不会出现了”
    “但是打印456，原因是：主进程需要等待非守护进程死掉后把pid给回收掉”
    预期输出 'main____'、'456'、'end456'；守护进程的 123 不出现（电脑快时也许会出现），
    'end' 永远不出现；非守护子进程总会运行完，因为父进程要等它。
    Expected output: 'main____', '456', 'end456'. The daemon's 123 does not
    appear (maybe on a fast machine); 'end' never does. The non-daemon
    child always runs to its end, because the parent waits for it.

运行前先预测 / Predict before running:
    123 会出现吗？如果出现，是在 'main____' 之前还是之后？'end' 呢？
    脚本是立刻结束，还是等非守护子进程的 2 秒？
    Does 123 appear? If it does, before or after 'main____'? Does 'end'?
    Does the script end at once, or after the non-daemon child's 2 s?

各启动方法的区别 / What differs between the start methods:
    守护进程不是在 'main____' 打印的那一刻被杀死的，而是在主进程的代码运行完之后、
    解释器退出时由 multiprocessing 的退出处理函数终止（随后再 join 非守护进程）。
    The daemon is not killed when 'main____' is printed: multiprocessing's
    exit handler terminates it after main's code has ended, as the
    interpreter exits (and then joins the non-daemon child).
    spawn       守护进程是新解释器，要先导入本文件，远在它到达 foo() 之前就被终止：123 不出现。
                the daemon is a new interpreter importing this file; it is
                terminated long before it reaches foo(): 123 never prints.
    fork        复制出的守护进程约 1 毫秒后就在运行，所以 123 有时会出现，
                而且可能出现在 'main____' 之后——“只要main__出现，123就不会出现了”被推翻。
                教程说的“电脑运行过快”其实就是 fork 启动方法。
                the forked daemon is running within about a millisecond, so
                123 prints now and then -- and can print AFTER 'main____',
                which refutes "once main__ appears, 123 will not". The
                "fast machine" of the tutorial is the fork start method.
    forkserver  由 fork server 复制，同样可能在退出处理函数之前运行：竞争，123 偶尔出现。
                forked by the server, the daemon can also run before the exit
                handler: a race, 123 prints now and then.
    'end' 在任何方法下都不出现；456 和 end456 总会出现；脚本约 2 秒。
    注释掉的 time.sleep(0.5) 保持注释（打开后三种方法下都会打印 123）。
    05_daemon_after_print.py 在 'main____' 之后让主进程再运行 2 秒：守护进程的 'end'
    每次都出现在 'main____' 之后。
    'end' never prints under any method. 456 and end456 always print; the
    script lasts about 2 s. The commented time.sleep(0.5) stays commented
    (with it, 123 would print under every method). 05_daemon_after_print.py
    keeps main's code running 2 s after 'main____': the daemon's 'end' then
    prints after 'main____' every time, under every method.
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
