"""01 开启进程的方法2：自定义一个 Process 类
01 Starting a process, way 2: a Process subclass with its own run()

中文简述：自定义 Process 子类并重写 run()；start() 让 run() 在另一个进程（另一个 pid）中执行。
spawn/forkserver 下对象被 pickle 后在子进程中重建；fork 下子进程直接拥有一份拷贝。

教程的说法 / What the tutorial claims:
    “自定义的Process类，必须要自定义一个run方法。”
    “p.start()  #相等于p.run（），执行自定义进程的方法”
    A subclass overrides run(); start() makes run() execute -- in a new
    process, not in the caller (unlike calling p.run() directly).

运行前先预测 / Predict before running:
    Does run() print in the parent's pid or in another one? Nothing follows
    start() in the main block: how long does the script still run? (The
    parent waits for its non-daemon child: about 3 s.)

fork / spawn / forkserver 的区别 / What differs between the start methods:
    Under spawn and forkserver the MyProcess object is pickled and rebuilt in
    the child (its __init__ is not called there again, its attributes such as
    name are copied); under fork the child simply has a copy. Under all three
    run() executes in a different pid and prints '1、进程1 is running' then,
    3 s later, '2、进程1 is done'.

Fixes to the tutorial / 对教程的修正:
    1. The tutorial's line ` p.start()` has one stray space of indent: the
       script does not even compile (IndentationError). The space is removed.
       多余的缩进：教程里 p.start() 前多了一个空格，脚本无法运行，已删除。
"""
#方法2：自定义一个Process类
from multiprocessing import Process
import time
class MyProcess(Process):
    def __init__(self,name):
        super(MyProcess,self).__init__()
        self.name=name #自定义的功能
    def run(self):  #自定义的Process类，必须要自定义一个run方法。
        print('1、%s is running' %self.name)
        time.sleep(3)
        print('2、%s is done' %self.name)
if __name__=='__main__':
    p=MyProcess('进程1')
    p.start()  #相等于p.run（），执行自定义进程的方法
#     time.sleep(1)
