"""07 变体：put(block=True, timeout=3) 在满队列上 / Variant: put(timeout=3) on a full queue

教程的说法 / What the tutorial claims:
    “q.put('fourth',block=True,timeout=3)   #发生阻塞的时候等待3秒主动抛出一个异常queue.Full”
    队列满时等待 3 秒，然后抛出 queue.Full。
    On a full queue it waits 3 s, then raises queue.Full.

这个变体只改一处 / What this variant changes (one thing):
    打开 07_queue.py 中注释掉的 q.put('fourth',block=True,timeout=3)。
    The commented q.put('fourth',block=True,timeout=3) of 07_queue.py is
    switched on.

运行前先预测 / Predict before running:
    多久之后出错？报什么异常？会打印任何值吗？
    After how long does it fail, with which exception? Is any value printed?

各启动方法的区别 / What differs between the start methods:
    没有区别（没有开启进程）。约 3 秒后以 traceback 结束：
        queue.Full
    （消息为空），退出码 1；后面的 get() 都不会执行，什么也不打印。教程的说法被证实。
    None (no process is started). After about 3 s the script ends with a
    traceback,
        queue.Full
    (the message is empty), exit code 1; the get() calls after it never run
    and nothing is printed. The tutorial is confirmed.
"""
from multiprocessing import Queue

q=Queue(3)  #设置队列最大长度
q.put('first') #添加一个值到队列中
q.put(2)
q.put({'count':3})
# q.put('fourth')   #如果添加值的个数超出队列长度，会发生队列阻塞。
# q.put('fourth',block=False)   #q.put_nowait('fourth')   #发生阻塞的时候主动抛出一个异常queue.Full
q.put('fourth',block=True,timeout=3)   #发生阻塞的时候等待3秒主动抛出一个异常queue.Full  #打开 / switched on

print(q.get())  #从队列中取出一个值
print(q.get())
print(q.get())
# print(q.get())  #如果队列为空，会发生队列阻塞
# print(q.get(block=False))   #如果队列为空，会主动抛出一个异常 queue.Empty
print(q.get(block=True,timeout=3))   #发生阻塞的时候等待3秒主动抛出一个异常queue.Empty
