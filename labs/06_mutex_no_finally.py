"""06 变体：持有互斥锁时出错（没有 try/finally）/ Variant: an error while holding the Lock

教程的说法 / What the tutorial claims:
    “mutex.acquire()  get()  mutex.release()”
    “使用互斥锁把并发改为串行，一个进程一个进程的去修改数据文件，保证数据的安全性”
    教程用 acquire() 和 release() 包住 get()，中间没有 try/finally。
    The tutorial wraps get() in acquire() and release(), with no
    try/finally (nor `with mutex:`).

这个变体只改一处 / What this variant changes (one thing):
    get() 在买票途中抛出异常（模拟支付失败：ConnectionError），发生在持有锁的时候。
    get() raises in the middle of a purchase (a simulated payment failure,
    ConnectionError) -- while its buyer holds the Lock.

运行前先预测 / Predict before running:
    有几个 '购票成功！'？出错的买家退出后，其他九个买家会怎样？脚本会结束吗？
    How many '购票成功！'? After the failing buyer exits, what happens to the
    other nine? Does the script end?

各启动方法的区别 / What differs between the start methods:
    没有区别。第一个拿到锁的买家抛出异常，release() 永远不会执行：锁一直被占着
    （multiprocessing 的 Lock 是一个信号量，持有它的进程退出时也不会自动释放）。
    其余九个买家永远卡在 mutex.acquire()，主进程卡在 join()：没有 '购票成功！'，脚本不会结束，
    由看门狗结束（手动运行时用 Ctrl+C）。修正方法：用 `with mutex:` 或 try/finally 释放锁。
    None. The first buyer to take the Lock raises, and release() never
    runs: the Lock stays taken (a multiprocessing Lock is a semaphore; it is
    not released when the process holding it exits). The other nine wait
    for ever in mutex.acquire(), main waits in join(): no '购票成功！', the
    script never ends; the watchdog ends it (Ctrl+C by hand). The fix:
    `with mutex:` or try/finally around get().
"""
#实验目的：在修改数据文件的时候，如果并发执行，会导致数据文件修改紊乱的问题，因此使用互斥锁把并发改为串行，一个进程一个进程的去修改数据文件，保证数据的安全性
from multiprocessing import Process,Lock
import time,os,json,random
def save(dic):
    tmp='db.txt.%s.tmp' %os.getpid()
    with open(tmp,'w',encoding='utf-8') as f:
        json.dump(dic,f)
    for attempt in range(100):
        try:
            os.replace(tmp,'db.txt')  #原子替换 / atomic
            return
        except PermissionError:  #Windows: db.txt is open by a reader right now
            if attempt==99:
                raise
            time.sleep(0.01)
def search():
    time.sleep(random.randint(1,2))
    with open('db.txt','r',encoding='utf-8') as f:
        dic=json.load(f)
    print('%s 查看余票为%s' %(os.getpid(),dic['count']))
def get():
    with open('db.txt','r',encoding='utf-8') as f:
        dic=json.load(f)
    if dic['count'] >0:
        dic['count']-=1
        raise ConnectionError('支付失败 / payment failed')  #持有锁时出错 / fails while holding the lock
        save(dic)
        print('%s 购票成功！' %os.getpid())
def task(mutex):
    search()
    mutex.acquire()
    get()
    mutex.release()
if __name__=='__main__':
    with open('db.txt','w',encoding='utf-8') as f:
        json.dump({'count':1},f)  #一张票 / one ticket
    mutex=Lock()  #添加一个互斥锁,生成一个实例
    p_l=[]
    for i in range(10):
        p=Process(target=task,args=(mutex,))
        p.start()
        p_l.append(p)
    for p in p_l:
        p.join()
