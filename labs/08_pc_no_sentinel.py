"""08 变体：没有 None 的生产者和消费者 / Variant: producer-consumer without sentinels

中文简述：不放 None，吃完后消费者永远卡在 q.get()，程序不会结束（由实验工具的看门狗结束，手动运行请按 Ctrl+C）。
三种启动方式都会卡住。

教程的说法 / What the tutorial claims:
    “消费c在取值取到空的时候，会一直处于死循环中，一直卡在c.get()这一步”
    Without the None sentinels the eaters, once the six items are eaten,
    wait in q.get() for ever.

运行前先预测 / Predict before running:
    Are all six items still produced and eaten? Is '主' printed? Does the
    program end?
    It does NOT end: '主' is printed, but at exit the main process waits for
    its non-daemon eaters, which are blocked in q.get() for ever. When run
    under the lab harness, its watchdog ends the whole process tree; by hand,
    stop it with Ctrl+C.

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None: it hangs under all three.

This is 08_pc_sentinel.py without the three q.put(None); nothing else changed.
"""
#实验目的：实现生产者生产东西，消费者去消费，生产多少消费多少
#生产者->队列->消费者
#生产者生产完成后，消费者去消费，会出现一种情况生产者p生产完成后就子进程就结束了，但是可能有多个，消费c在取值取到空的时候，会一直处于死循环中，一直卡在c.get()这一步
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

    print('主')
