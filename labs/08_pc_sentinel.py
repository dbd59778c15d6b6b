"""08 生产者和消费者模型，解决方法一：每个消费者一个 None
08 Producer-consumer, solution 1: one None sentinel per consumer

教程的说法 / What the tutorial claims:
    “在生产者生产完成后主进程q.put(None),有几个消费者就应该put几个空，然后当消费者取到空的时候，break掉循环”
    “实现生产者生产东西，消费者去消费，生产多少消费多少”
    两个厨师各生产 3 个（'厨师%s生产%s'），三个吃货把它们吃掉（'吃货%s吃掉了%s'）：每个恰好
    被吃一次。厨师被 join 之后，主进程为每个吃货放一个 None；吃货取到 None 就退出，程序结束。
    Two cooks make 3 items each ('厨师%s生产%s'); three eaters eat them
    ('吃货%s吃掉了%s'): every item eaten exactly once. After the cooks are
    joined, main puts one None per eater; each eater stops at its None, so
    the program ends.

运行前先预测 / Predict before running:
    有几行 '生产'、几行 '吃掉了'？'主' 是最后一行吗？（不是：主进程放完三个 None 就打印 '主'，
    这时吃货还在吃；最后一个吃货停下后脚本才结束。）还有产品在队列里时，吃货会取到 None 吗？
    （不会：厨师已被 join，六个产品都在第一个 None 之前进入队列。）
    How many '生产' and '吃掉了' lines? Is '主' the last line? (No: main puts
    the three None and prints '主' while the eaters are still eating; the
    script then ends when the last eater has stopped.)
    Can an eater take a None while items are still waiting? (No: the cooks
    have been joined, so all six items are in the queue before the first
    None.)

各启动方法的区别 / What differs between the start methods:
    结果没有区别，只有启动开销不同。队列作为参数传给子进程，三种方法下都有效。
    None in the outcome; only start costs. The queue is passed to the
    children as an argument, which works under all three.

对教程的检查 / Bugs considered (no change made, the script is verbatim):
    - 主进程没有 join 消费者：不是 bug，它们不是守护进程，multiprocessing 的退出处理函数会等待
      它们，所以程序结束前每个产品都被吃掉；只是 '主' 来得早。
      Main does not join the eaters. That is not a bug: they are not
      daemons, and multiprocessing's exit handler waits for them, so every
      item is eaten before the program ends; '主' simply comes early.
    - 用了 JoinableQueue 却没有调用 task_done() 或 join()：普通 Queue 就够了，无害。
      JoinableQueue is used but nothing calls task_done() or join(): a
      plain Queue would do; harmless.
    08_pc_no_sentinel.py 去掉了三个 q.put(None)。
    08_pc_no_sentinel.py removes the three q.put(None).
"""
#实验目的：实现生产者生产东西，消费者去消费，生产多少消费多少
#生产者->队列->消费者
#生产者生产完成后，消费者去消费，会出现一种情况生产者p生产完成后就子进程就结束了，但是可能有多个，消费c在取值取到空的时候，会一直处于死循环中，一直卡在c.get()这一步
#解决方法一：
#在生产者生产完成后主进程q.put(None),有几个消费者就应该put几个空，然后当消费者取到空的时候，break掉循环
from multiprocessing import Process,JoinableQueue
import time,random
def producer(name,food,q):
    for i in range(3):
        res='%s%s' %(food,i)
        time.sleep(random.randint(1,2))
        q.put(res)
        print('厨师%s生产%s'%(name,res))

def consumer(name,q):
    while True:
        res=q.get()
        if res is None:break
        time.sleep(random.randint(1,2))
        print('吃货%s吃掉了%s'%(name,res))

if __name__=='__main__':
    q=JoinableQueue()

    q1=Process(target=producer,args=('lqx','水',q))
    q2=Process(target=producer,args=('yft','食物',q))

    c1=Process(target=consumer,args=('dog',q))
    c2=Process(target=consumer,args=('horse',q))
    c3=Process(target=consumer,args=('pig',q))

    q_l=[q1,q2,c1,c2,c3]
    for qn in q_l:qn.start()
    q1.join()
    q2.join()

    q.put(None)
    q.put(None)
    q.put(None)
    print('主')
