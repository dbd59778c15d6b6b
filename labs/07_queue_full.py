"""07 变体：队列满时 put_nowait() / Variant: put_nowait() on a full queue

教程的说法 / What the tutorial claims:
    “q.put_nowait('fourth')   #发生阻塞的时候主动抛出一个异常queue.Full”
    已满的 Queue(3) 上第四次 put，用 put_nowait() 不会阻塞，而是立即抛出 queue.Full。
    A fourth put on a Queue(3) that is full does not block with put_nowait():
    it raises queue.Full at once.

这个变体只改一处 / What this variant changes (one thing):
    在三次 put 之后打开教程注释中的 q.put_nowait('fourth')。
    The tutorial's commented alternative q.put_nowait('fourth') is switched
    on after the three puts.

运行前先预测 / Predict before running:
    会打印任何值吗？脚本运行多久？
    这个脚本故意以 traceback 结束：立即出现
        queue.Full
    （消息为空），退出码 1。put_nowait() 之后的行不会执行：什么也不打印。
    Full 是 queue 模块中的 Python 类；只有 Empty 是 C 实现的 _queue.Empty（见 07_queue.py）。
    Is any value printed? How long does the script take?
    This script ENDS WITH A TRACEBACK on purpose: immediately,
        queue.Full
    (the message is empty) and exit code 1. The lines after put_nowait() are
    never reached: nothing is printed. Full is a Python class of the queue
    module; only Empty is the C class _queue.Empty (see 07_queue.py).

各启动方法的区别 / What differs between the start methods:
    没有区别：和教程的队列示例一样，不开启任何进程。
    None: no process is started, as in the tutorial's queue example.
"""
from multiprocessing import Queue

q=Queue(3)  #设置队列最大长度
q.put('first') #添加一个值到队列中
q.put(2)
q.put({'count':3})
# q.put('fourth')   #如果添加值的个数超出队列长度，会发生队列阻塞。
# q.put('fourth',block=False)   #q.put_nowait('fourth')   #发生阻塞的时候主动抛出一个异常queue.Full
q.put_nowait('fourth')   #队列已满：立即抛出 queue.Full / the queue is full: queue.Full at once
# q.put('fourth',block=True,timeout=3)   #发生阻塞的时候等待3秒主动抛出一个异常queue.Full

print(q.get())  #从队列中取出一个值
print(q.get())
print(q.get())
# print(q.get())  #如果队列为空，会发生队列阻塞
# print(q.get(block=False))   #如果队列为空，会主动抛出一个异常 queue.Empty
print(q.get(block=True,timeout=3))   #发生阻塞的时候等待3秒主动抛出一个异常queue.Empty
