"""01 开启进程的方法2：自定义一个 Process 类
01 Starting a process, way 2: a Process subclass with its own run()

教程的说法 / What the tutorial claims:
    “自定义的Process类，必须要自定义一个run方法。”
    “p.start()  #相等于p.run（），执行自定义进程的方法”
    子类重写 run()；start() 让 run() 执行——但是在一个新的进程里，而不是在调用者里
    （这一点和直接调用 p.run() 不同，见 01_start_run.py）。
    A subclass overrides run(); start() makes run() execute -- in a new
    process, not in the caller (unlike calling p.run() directly, see
    01_start_run.py).

运行前先预测 / Predict before running:
    run() 在父进程的 pid 中打印，还是在另一个 pid 中？主程序块里 start() 之后什么都没有：
    脚本还要运行多久？（父进程等待非守护的子进程：约 3 秒。）
    Does run() print in the parent's pid or in another one? Nothing follows
    start() in the main block: how long does the script still run? (The
    parent waits for its non-daemon child: about 3 s.)

各启动方法的区别 / What differs between the start methods:
    spawn 和 forkserver 下 MyProcess 对象被 pickle，在子进程中重建（不再调用 __init__，
    name 等属性被复制过去）；fork 下子进程直接拥有一份拷贝。三种方法下 run() 都在另一个 pid 中
    执行，先打印 '1、进程1 is running'，3 秒后打印 '2、进程1 is done'。
    Under spawn and forkserver the MyProcess object is pickled and rebuilt in
    the child (its __init__ is not called there again, its attributes such as
    name are copied); under fork the child simply has a copy. Under all three
    run() executes in a different pid and prints '1、进程1 is running' then,
    3 s later, '2、进程1 is done'.

对教程的修正 / Fixes to the tutorial:
    1. 多余的缩进：教程里 p.start() 前多了一个空格，脚本无法运行（IndentationError），已删除。
       The tutorial's line ` p.start()` has one stray space of indent: the
       script does not even compile (IndentationError). The space is removed.
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
