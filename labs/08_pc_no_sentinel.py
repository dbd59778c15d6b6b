"""08 变体：没有 None 的生产者和消费者 / Variant: producer-consumer without sentinels

教程的说法 / What the tutorial claims:
    “消费c在取值取到空的时候，会一直处于死循环中，一直卡在c.get()这一步”
    没有 None 哨兵时，六个产品吃完后，吃货永远等在 q.get()。
    Without the None sentinels the eaters, once the six items are eaten,
    wait in q.get() for ever.

这个变体只改一处 / What this variant changes (one thing):
    去掉 08_pc_sentinel.py 中的三个 q.put(None)，其他不变。
    The three q.put(None) of 08_pc_sentinel.py are removed; nothing else
    changes.

运行前先预测 / Predict before running:
    六个产品还会全部生产、全部吃掉吗？'主' 会打印吗？程序会结束吗？
    不会结束：'主' 会打印，但退出时主进程等待它的非守护吃货，而它们永远阻塞在 q.get()。
    在实验工具下运行时，看门狗结束整个进程树；手动运行时用 Ctrl+C 停止。
    Are all six items still produced and eaten? Is '主' printed? Does the
    program end?
    It does NOT end: '主' is printed, but at exit the main process waits for
    its non-daemon eaters, which are blocked in q.get() for ever. When run
    under the lab harness, its watchdog ends the whole process tree; by hand,
    stop it with Ctrl+C.

各启动方法的区别 / What differs between the start methods:
    没有区别：三种方法下都会卡住。
    None: it hangs under all three.
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
