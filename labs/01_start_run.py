"""01 变体：调用 p.run() 而不是 p.start() / Variant: p.run() instead of p.start()

教程的说法 / What the tutorial claims:
    “p.start()  #相等于p.run（），执行自定义进程的方法”
    start() 相当于 run()。
    start() is the same as calling run().

这个变体只改一处 / What this variant changes (one thing):
    01_start_subclass.py 中的 p.start() 换成 p.run()；另外 run() 和主进程各打印自己的
    pid（os.getpid()），以便比较。
    p.start() of 01_start_subclass.py becomes p.run(); run() and the main
    block also print their pid (os.getpid()) to compare.

运行前先预测 / Predict before running:
    'run() in pid' 与 'main pid' 相同吗？'3、主' 在 '2、进程1 is done' 之前还是之后？
    有没有子进程被创建？
    Is the pid printed by run() the main pid? Does '3、主' come before or
    after '2、进程1 is done'? Is any child process created at all?

各启动方法的区别 / What differs between the start methods:
    没有区别：run() 只是一个普通的方法调用，不创建进程，启动方法根本用不上。
    它在父进程自己的 pid 中同步执行：3 秒后才打印 '2、进程1 is done'，然后才是 '3、主'。
    start() 才会创建新进程并在其中调用 run()——两者并不“相等”，教程的说法被推翻。
    None: run() is a plain method call; no process is created and no start
    method is involved. It runs in the parent's own pid, synchronously:
    '2、进程1 is done' after 3 s, only then '3、主'. start() is what makes a
    new process that calls run() there -- the two are not "the same", which
    refutes the tutorial's comment.
"""
#方法2：自定义一个Process类
from multiprocessing import Process
import time,os
class MyProcess(Process):
    def __init__(self,name):
        super(MyProcess,self).__init__()
        self.name=name #自定义的功能
    def run(self):  #自定义的Process类，必须要自定义一个run方法。
        print('1、%s is running' %self.name,'run() in pid',os.getpid())
        time.sleep(3)
        print('2、%s is done' %self.name)
if __name__=='__main__':
    p=MyProcess('进程1')
    p.run()  #不是 start()：在当前进程中直接调用 / not start(): a plain call in this process
    print('3、主','main pid',os.getpid())
