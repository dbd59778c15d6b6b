"""07 变体：空队列上 get(block=False) / Variant: get(block=False) on an empty queue

教程的说法 / What the tutorial claims:
    “print(q.get(block=False))   #如果队列为空，会主动抛出一个异常 queue.Empty”
    队列为空时，非阻塞的 get 立即抛出 queue.Empty。
    On an empty queue a non-blocking get raises queue.Empty at once.

这个变体只改一处 / What this variant changes (one thing):
    07_queue.py 最后的 get(block=True,timeout=3) 换成注释掉的 get(block=False)。
    The last get(block=True,timeout=3) of 07_queue.py is replaced by the
    commented get(block=False).

运行前先预测 / Predict before running:
    打印哪三个值？第四次 get 等多久？和 07_queue.py 的 3 秒比较。
    Which three values are printed? How long does the fourth get wait,
    compared with the 3 s of 07_queue.py?

各启动方法的区别 / What differs between the start methods:
    没有区别（没有开启进程）。打印 'first'、2、{'count': 3} 之后立即以 traceback 结束：
        _queue.Empty
    （queue.Empty 就是 C 实现的 _queue.Empty），退出码 1。教程的说法被证实。
    None (no process is started). After 'first', 2, {'count': 3} the script
    ends at once with a traceback,
        _queue.Empty
    (queue.Empty is the C class _queue.Empty), exit code 1. The tutorial is
    confirmed.
"""
from multiprocessing import Queue

q=Queue(3)  #设置队列最大长度
q.put('first') #添加一个值到队列中
q.put(2)
q.put({'count':3})
# q.put('fourth')   #如果添加值的个数超出队列长度，会发生队列阻塞。
# q.put('fourth',block=False)   #q.put_nowait('fourth')   #发生阻塞的时候主动抛出一个异常queue.Full
# q.put('fourth',block=True,timeout=3)   #发生阻塞的时候等待3秒主动抛出一个异常queue.Full

print(q.get())  #从队列中取出一个值
print(q.get())
print(q.get())
# print(q.get())  #如果队列为空，会发生队列阻塞
print(q.get(block=False))   #如果队列为空，会主动抛出一个异常 queue.Empty  #打开 / switched on
# print(q.get(block=True,timeout=3))   #发生阻塞的时候等待3秒主动抛出一个异常queue.Empty
