"""07 变体：队列满时 put() 阻塞 / Variant: put() on a full queue blocks

教程的说法 / What the tutorial claims:
    “q.put('fourth')   #如果添加值的个数超出队列长度，会发生队列阻塞。”
    添加的值超过队列的最大长度时，put() 会阻塞。
    A put() beyond the queue's maximum size blocks.

这个变体只改一处 / What this variant changes (one thing):
    打开 07_queue.py 中注释掉的 q.put('fourth')（三次 put 之后的第四次）。
    The commented q.put('fourth') of 07_queue.py is switched on (a fourth
    put after the three).

运行前先预测 / Predict before running:
    会打印什么？脚本会结束吗？
    What is printed? Does the script end?

各启动方法的区别 / What differs between the start methods:
    没有区别（没有开启进程）。Queue(3) 已满，而本进程之外没有人取值：put('fourth') 永远阻塞，
    后面的 get() 和 print 都不会执行，什么也不打印。手动运行时用 Ctrl+C 结束；
    实验工具的看门狗在几秒后结束它。教程的说法被证实。
    None (no process is started). Queue(3) is full and nobody else takes
    from it: put('fourth') blocks for ever, nothing after it runs, nothing
    is printed. By hand, end it with Ctrl+C; the kit's watchdog ends it
    after a few seconds. The tutorial is confirmed.
"""
from multiprocessing import Queue

q=Queue(3)  #设置队列最大长度
q.put('first') #添加一个值到队列中
q.put(2)
q.put({'count':3})
q.put('fourth')   #如果添加值的个数超出队列长度，会发生队列阻塞。  #打开 / switched on
# q.put('fourth',block=False)   #q.put_nowait('fourth')   #发生阻塞的时候主动抛出一个异常queue.Full
# q.put('fourth',block=True,timeout=3)   #发生阻塞的时候等待3秒主动抛出一个异常queue.Full

print(q.get())  #从队列中取出一个值
print(q.get())
print(q.get())
# print(q.get())  #如果队列为空，会发生队列阻塞
# print(q.get(block=False))   #如果队列为空，会主动抛出一个异常 queue.Empty
print(q.get(block=True,timeout=3))   #发生阻塞的时候等待3秒主动抛出一个异常queue.Empty
