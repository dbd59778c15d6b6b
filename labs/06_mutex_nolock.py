"""06 变体：没有互斥锁的抢票 / Variant: the ticket shop without the Lock

中文简述：去掉互斥锁，十个进程在同一时刻查票，读到余票后固定 sleep 1 秒再写回（加宽竞争窗口），
于是每个人都“购票成功”：一张票卖出多次（超卖）。三种启动方式都一样，几乎每次都会超卖。

教程的说法 / What the tutorial claims:
    “在修改数据文件的时候，如果并发执行，会导致数据文件修改紊乱的问题”
    Without the Lock, concurrent buyers all see the same ticket and all
    buy it: with one ticket, several '%s 购票成功！' lines (oversold).

运行前先预测 / Predict before running:
    With one ticket and ten buyers, how many '购票成功！'? What is left in
    db.txt at the end: 0, or something else?

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None in the outcome: the oversell happens under all three. To make it
    near-certain instead of a matter of luck, two things differ from the
    tutorial's shop (06_mutex.py):
    - a common start instant: main computes start_at = time.time() + 2.0
      and passes it to every buyer, who sleeps until then (instead of the
      random 1-2 s sleep in search()), so all buyers look at the same moment
      even when spawn starts them tens of ms apart;
    - a wider race window: get() sleeps a fixed 1 s between reading the
      count and writing it back (instead of 0 or 1 s at random), so every
      buyer who has read the count before the first write buys the same
      ticket.
    Every buyer reads count 1 and buys: ten '购票成功！' in a normal run;
    db.txt ends with 0, not -9 -- the lost updates are the bug.

Fixes to the tutorial / 对教程的修正 (the same as in 06_mutex.py):
    1. The main block writes db.txt ({"count": 1}) first. 先写入 db.txt。
    2. Files are opened with `with`. 用 with 打开文件。
    3. The writer writes atomically (temporary file + os.replace()).
       写文件改为原子替换。
    4. The main block joins all buyers. 主进程 join 全部子进程。
"""
#实验目的：在修改数据文件的时候，如果并发执行，会导致数据文件修改紊乱的问题
from multiprocessing import Process
import time,os,json
def save(dic):
    tmp='db.txt.%s.tmp' %os.getpid()
    with open(tmp,'w',encoding='utf-8') as f:
        json.dump(dic,f)
    for attempt in range(100):
        try:
            os.replace(tmp,'db.txt')  #原子替换 / atomic
            return
        except PermissionError:  #Windows: db.txt is open by another process right now
            if attempt==99:
                raise
            time.sleep(0.01)
def search(start_at):
    time.sleep(max(0,start_at-time.time()))  #等到共同的开始时刻 / wait for the common start instant
    with open('db.txt','r',encoding='utf-8') as f:
        dic=json.load(f)
    print('%s 查看余票为%s' %(os.getpid(),dic['count']))
def get():
    with open('db.txt','r',encoding='utf-8') as f:
        dic=json.load(f)
    if dic['count'] >0:
        dic['count']-=1
        time.sleep(1)  #加宽竞争窗口 / a wider race window
        save(dic)
        print('%s 购票成功！' %os.getpid())
def task(start_at):
    search(start_at)
    get()  #没有互斥锁 / no lock
if __name__=='__main__':
    with open('db.txt','w',encoding='utf-8') as f:
        json.dump({'count':1},f)  #一张票 / one ticket
    start_at=time.time()+2.0
    p_l=[]
    for i in range(10):
        p=Process(target=task,args=(start_at,))
        p.start()
        p_l.append(p)
    for p in p_l:
        p.join()
