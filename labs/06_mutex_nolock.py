"""06 变体：没有互斥锁的抢票 / Variant: the ticket shop without the Lock

教程的说法 / What the tutorial claims:
    “在修改数据文件的时候，如果并发执行，会导致数据文件修改紊乱的问题”
    没有互斥锁，并发的买家都看到同一张票，都买下它：只有一张票，却有多行 '%s 购票成功！'（超卖）。
    Without the Lock, concurrent buyers all see the same ticket and all
    buy it: with one ticket, several '%s 购票成功！' lines (oversold).

运行前先预测 / Predict before running:
    一张票、十个买家，有几个 '购票成功！'？最后 db.txt 里剩下多少：0，还是别的？
    With one ticket and ten buyers, how many '购票成功！'? What is left in
    db.txt at the end: 0, or something else?

各启动方法的区别 / What differs between the start methods:
    结果没有区别：三种方法下都会超卖。为了让超卖几乎必然发生、而不是碰运气，这里与教程的商店
    （06_mutex.py）有两处不同：
    - 同一个开始时刻：主进程算出 start_at = time.time() + 2.0 并传给每个买家，买家睡到那一刻
      （代替 search() 中随机的 1-2 秒），所以即使 spawn 让它们的启动相差几十毫秒，
      所有买家也在同一时刻查票；
    - 更宽的竞争窗口：get() 在读出余票和写回之间固定睡 1 秒（代替随机的 0 或 1 秒），
      所以在第一次写入之前读到余票的每个买家都买了同一张票。
    每个买家都读到 1 并买下：正常运行时有十个 '购票成功！'；db.txt 最后是 0 而不是 -9——
    丢失的更新就是这个 bug。
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

对教程的修正 / Fixes to the tutorial (the same as in 06_mutex.py):
    1. 先写入 db.txt（{"count": 1}）。The main block writes db.txt first.
    2. 用 with 打开文件。Files are opened with `with`.
    3. 写文件改为原子替换（临时文件 + os.replace()）。
       The writer writes atomically (temporary file + os.replace()).
    4. 主进程 join 全部子进程。The main block joins all buyers.
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
