"""06 进程的互斥锁：抢票 / A mutex (Lock) around a ticket file

中文简述：十个买票的进程并发查票，但在互斥锁下一个一个买票：只有一张票，就只有一个 '购票成功！'。
锁在主进程中创建并作为参数传给子进程，三种启动方式都有效。

教程的说法 / What the tutorial claims:
    “在修改数据文件的时候，如果并发执行，会导致数据文件修改紊乱的问题，因此使用互斥锁把并发改为串行，
     一个进程一个进程的去修改数据文件，保证数据的安全性”
    Ten buyers look at the remaining tickets concurrently ('%s 查看余票为%s'),
    but buy one at a time under the Lock, so with one ticket exactly one
    '%s 购票成功！' is printed: never oversold.

运行前先预测 / Predict before running:
    How many '查看余票为' lines, and with which counts (1, or 0 for those who
    look after the sale)? How many '购票成功！'? What remains in db.txt?
    (06_mutex_nolock.py is the same shop without the Lock.)

fork / spawn / forkserver 的区别 / What differs between the start methods:
    None in the outcome: the Lock is created in the main block and passed to
    each child as an argument, which works under all three (compare with
    15_global_lock.py, a module-level Lock, which protects nothing under
    spawn). Only the start cost differs.

Fixes to the tutorial / 对教程的修正:
    1. db.txt is assumed to exist. The main block now writes it first, with
       {"count": 1} (one ticket), as JSON in UTF-8.
       教程假设 db.txt 已存在：主进程先写入 {"count": 1}。
    2. Files are opened with `with` so they are closed (and the JSON written
       out) at once; the tutorial left that to the garbage collector.
       用 with 打开文件，保证及时关闭、写入。
    3. search() reads without the Lock and can race the buyer who is writing:
       rewriting db.txt in place truncates it first, so a reader may see an
       empty file (json.JSONDecodeError). The writer now writes a temporary
       file and replaces db.txt with os.replace(), which is atomic: a reader
       sees the old or the new content, never half of it. (On Windows the
       replace fails while a reader has db.txt open; it is retried.)
       写文件改为原子替换：先写临时文件，再 os.replace()，读者不会读到被截断的文件。
    4. The buyers are never joined; the script relied on multiprocessing's
       exit handler to wait for them. The main block now joins all ten.
       主进程没有 join 子进程：现在全部 join。
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
        time.sleep(random.randint(0,1))
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
