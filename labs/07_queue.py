"""07 进程实现队列 / multiprocessing.Queue: order, size limit, timeouts

中文简述：队列先进先出：依次打印 'first'、2、{'count': 3}；第四次 get(timeout=3) 在空队列上等 3 秒后
抛出 queue.Empty，脚本以这个 traceback 结束（这是教程本来的行为，不捕获）。没有开启进程，三种启动方式相同。

教程的说法 / What the tutorial claims:
    “设置队列最大长度” / “从队列中取出一个值”
    “发生阻塞的时候等待3秒主动抛出一个异常queue.Empty”
    Values come out in the order they went in (FIFO): 'first', 2,
    {'count': 3}. The fourth get() on the empty queue waits 3 s and then
    raises queue.Empty.

运行前先预测 / Predict before running:
    The three printed values, in which order? What happens on the last line,
    and after how long?
    This script ENDS WITH A TRACEBACK on purpose -- that is the tutorial's
    own behaviour: about 3 s after the third value,
        _queue.Empty
    (queue.Empty is the C class _queue.Empty, so the traceback names it
    that way; the message is empty) and exit code 1. It is not caught here.

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None: like the tutorial, this script starts no process at all (the Queue
    is used inside one process, with its feeder thread), so it needs no
    `if __name__ == '__main__':` guard and behaves the same under every
    start method. 07_queue_full.py tries the commented put_nowait() instead.
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
# print(q.get(block=False))   #如果队列为空，会主动抛出一个异常 queue.Empty
print(q.get(block=True,timeout=3))   #发生阻塞的时候等待3秒主动抛出一个异常queue.Empty
