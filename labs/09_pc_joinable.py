"""09 生产者和消费者模型，解决方法2：JoinableQueue 与守护进程
09 Producer-consumer, solution 2: JoinableQueue and daemon consumers

教程的说法 / What the tutorial claims:
    “消费者每取走一个值，给q.join()发送确认”
    “主进程可以暂停，等待队列结束”
    “不添加消费者为守护进程，程序运行完成后，消费者c还是会循环取值，取到空值，卡在原地，把消费者设置为守护进程”
    q.join() 要等每个放入的产品都被 task_done() 确认（也就是被吃掉）才返回。所以 '主' 在最后一个
    '%s 吃掉 %s' 之后打印；随后仍等在 q.get() 的守护吃货随主进程一起死掉：不需要任何哨兵，
    程序就结束了。
    q.join() returns only when every item put has been confirmed with
    task_done(), i.e. eaten. So '主' is printed after the last '%s 吃掉 %s',
    and then the daemon eaters, still waiting in q.get(), die with the main
    process: the program ends without any sentinel.

运行前先预测 / Predict before running:
    这次 '主' 是最后一行吗？有几行 '生产出来'、几行 '吃掉'？'主' 之后三个吃货怎样了？
    Is '主' the last line this time? How many '生产出来' and '吃掉' lines?
    What happens to the three eaters after '主'?

各启动方法的区别 / What differs between the start methods:
    结果没有区别，只有启动开销不同。JoinableQueue（带着共享的未完成任务计数）作为参数传递，
    三种方法下都有效。
    None in the outcome; only start costs. The JoinableQueue (with its
    shared unfinished-task counter) is passed as an argument, which works
    under all three.

对教程的修正 / Fixes to the tutorial:
    1. 生产者的每个产品都是同一个字符串 res='%s %s' %(name,food)（三个一样的 'lqx 骨头'），
       而且打印的是 food 而不是产品。现在像解决方法一那样给产品编号 res='%s%s' %(food,i)
       （'骨头0'、'骨头1'……），并打印放入的产品：print('%s 生产出来 %s' %(name,res))。
       格式字符串不变。这样就能看出每个产品恰好被吃一次。
       The producer made every item the same string, res='%s %s' %(name,food)
       (three identical 'lqx 骨头'), and printed food instead of the item.
       Items are now numbered as in solution 1, res='%s%s' %(food,i)
       ('骨头0', '骨头1', ...), and the producer prints the item it put:
       print('%s 生产出来 %s' %(name,res)). The format strings are unchanged.
       Now one can see that each item is eaten exactly once.
    2. 消费者的 `if res is None:break` 等待一个永远不会发送的 None：死代码。消费者结束是因为它们是
       守护进程，在 q.join() 之后随主进程结束而被杀死。更糟的是，如果真的发送 None，消费者会
       不调用 task_done() 就离开，q.join() 会永远等待。这一行已删除。
       The consumers' `if res is None:break` waited for a None that is never
       sent: dead code. The consumers end because they are daemons, killed
       when the main process ends after q.join(). Worse, had a None been
       sent, the consumer would have left without task_done() for it and
       q.join() would wait for ever. The line is removed.
"""
#解决方法2：守护进程在生产者消费者模型中的应用
from multiprocessing import Process,JoinableQueue
import time
import random

def producer(name,food,q):
    for i in range(3):
        res='%s%s' %(food,i)
        time.sleep(random.randint(1,2))
        q.put(res)
        print('%s 生产出来 %s' %(name,res))
def consumer(name,q):
    while True:
        res=q.get()
        time.sleep(random.randint(1,2))
        print('%s 吃掉 %s' %(name,res))
        q.task_done()  #消费者每取走一个值，给q.join()发送确认
if __name__=='__main__':
    q=JoinableQueue()

    p1=Process(target=producer,args=('lqx','骨头',q))
    p2=Process(target=producer,args=('yft','肉',q))

    c1=Process(target=consumer,args=('dog',q))
    c2=Process(target=consumer,args=('pig',q))
    c3=Process(target=consumer,args=('horse',q))

    p1.start()
    p2.start()

    c1.daemon=True
    c2.daemon=True
    c3.daemon=True  #不添加消费者为守护进程，程序运行完成后，消费者c还是会循环取值，取到空值，卡在原地，把消费者设置为守护进程，等
    c1.start()
    c2.start()
    c3.start()

    p1.join()
    p2.join() #保障生产者把数据生产完
    q.join()  #主进程可以暂停，等待队列结束
    print('主')
