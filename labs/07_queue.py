"""07 进程实现队列 / multiprocessing.Queue: order, size limit, timeouts

教程的说法 / What the tutorial claims:
    “设置队列最大长度” / “从队列中取出一个值”
    “发生阻塞的时候等待3秒主动抛出一个异常queue.Empty”
    队列先进先出：依次取出 'first'、2、{'count': 3}。第四次 get() 在空队列上等待 3 秒，
    然后抛出 queue.Empty。
    Values come out in the order they went in (FIFO): 'first', 2,
    {'count': 3}. The fourth get() on the empty queue waits 3 s and then
    raises queue.Empty.

运行前先预测 / Predict before running:
    打印哪三个值，顺序如何？最后一行会发生什么，多久之后？
    这个脚本故意以 traceback 结束——这是教程本来的行为，不捕获：第三个值之后约 3 秒，
        _queue.Empty
    （queue.Empty 就是 C 实现的 _queue.Empty，所以 traceback 这样称呼它；消息为空），退出码 1。
    The three printed values, in which order? What happens on the last line,
    and after how long?
    This script ENDS WITH A TRACEBACK on purpose -- that is the tutorial's
    own behaviour: about 3 s after the third value,
        _queue.Empty
    (queue.Empty is the C class _queue.Empty, so the traceback names it
    that way; the message is empty) and exit code 1. It is not caught here.

各启动方法的区别 / What differs between the start methods:
    没有区别：和教程一样，这个脚本不开启任何进程（队列只在一个进程中使用，带着它的 feeder 线程），
    所以不需要 `if __name__ == '__main__':` 保护，在每种启动方法下都一样。
    变体：07_queue_full.py（put_nowait）、07_queue_put_block.py（put 阻塞）、
    07_queue_put_timeout.py（put 超时）、07_queue_get_nowait.py（get 不阻塞）。
    None: like the tutorial, this script starts no process at all (the Queue
    is used inside one process, with its feeder thread), so it needs no
    `if __name__ == '__main__':` guard and behaves the same under every
    start method. Variants: 07_queue_full.py (put_nowait),
    07_queue_put_block.py (put blocks), 07_queue_put_timeout.py (put with a
    timeout), 07_queue_get_nowait.py (get without blocking).
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
