"""07 变体：队列满时 put_nowait() / Variant: put_nowait() on a full queue

中文简述：Queue(3) 已满时 put_nowait('fourth') 立即抛出 queue.Full，脚本以 traceback 结束，什么都不打印。
没有开启进程，三种启动方式相同。

教程的说法 / What the tutorial claims:
    “q.put_nowait('fourth')   #发生阻塞的时候主动抛出一个异常queue.Full”
    A fourth put on a Queue(3) that is full does not block with put_nowait():
    it raises queue.Full at once.

运行前先预测 / Predict before running:
    Is any value printed? How long does the script take?
    This script ENDS WITH A TRACEBACK on purpose: immediately,
        queue.Full
    (the message is empty) and exit code 1. Full is a Python class of the
    queue module; only Empty is the C class _queue.Empty (see 07_queue.py). The lines after put_nowait() are never reached: nothing is
    printed.

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None: no process is started, as in the tutorial's queue example.

This is 07_queue.py with the tutorial's commented alternative
q.put_nowait('fourth') switched on after the three puts.
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
