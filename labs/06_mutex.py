"""06 进程的互斥锁：抢票 / A mutex (Lock) around a ticket file

教程的说法 / What the tutorial claims:
    “在修改数据文件的时候，如果并发执行，会导致数据文件修改紊乱的问题，因此使用互斥锁把并发改为串行，
     一个进程一个进程的去修改数据文件，保证数据的安全性”
    十个买家同时查看余票（'%s 查看余票为%s'），但在互斥锁下一个一个地买票：只有一张票，
    就只打印一次 '%s 购票成功！'，不会超卖。
    Ten buyers look at the remaining tickets concurrently ('%s 查看余票为%s'),
    but buy one at a time under the Lock, so with one ticket exactly one
    '%s 购票成功！' is printed: never oversold.

运行前先预测 / Predict before running:
    有几行 '查看余票为'，分别是几张（1，或者在卖出之后才查看的人看到 0）？
    几个 '购票成功！'？db.txt 最后剩下什么？（06_mutex_nolock.py 是没有锁的同一个商店；
    06_mutex_no_finally.py 是持有锁时出错的情形。）
    How many '查看余票为' lines, and with which counts (1, or 0 for those who
    look after the sale)? How many '购票成功！'? What remains in db.txt?
    (06_mutex_nolock.py is the same shop without the Lock;
    06_mutex_no_finally.py has an error while the Lock is held.)

各启动方法的区别 / What differs between the start methods:
    结果没有区别：锁在主程序块中创建，并作为参数传给每个子进程，三种方法下都有效
    （对比 15_global_lock.py：模块级的锁在 spawn 下什么也保护不了）。只有启动开销不同。
    None in the outcome: the Lock is created in the main block and passed to
    each child as an argument, which works under all three (compare with
    15_global_lock.py, a module-level Lock, which protects nothing under
    spawn). Only the start cost differs.

对教程的修正 / Fixes to the tutorial:
    1. 教程假设 db.txt 已存在：主进程先写入 {"count": 1}（一张票，UTF-8 的 JSON）。
       db.txt is assumed to exist. The main block now writes it first, with
       {"count": 1} (one ticket), as JSON in UTF-8.
    2. 用 with 打开文件，保证及时关闭、写入；教程把这件事留给了垃圾回收。
       Files are opened with `with` so they are closed (and the JSON written
       out) at once; the tutorial left that to the garbage collector.
    3. search() 不加锁地读，可能撞上正在写的买家：原地重写 db.txt 会先把它截断，读者可能读到
       空文件（json.JSONDecodeError）。写文件改为原子替换：先写临时文件，再 os.replace()，
       读者只会看到旧内容或新内容。（Windows 上有读者打开 db.txt 时替换会失败，会重试。）
       search() reads without the Lock and can race the buyer who is writing:
       rewriting db.txt in place truncates it first, so a reader may see an
       empty file (json.JSONDecodeError). The writer now writes a temporary
       file and replaces db.txt with os.replace(), which is atomic: a reader
       sees the old or the new content, never half of it. (On Windows the
       replace fails while a reader has db.txt open; it is retried.)
    4. 主进程没有 join 子进程，依赖 multiprocessing 的退出处理函数等待它们：现在全部 join。
       The buyers are never joined; the script relied on multiprocessing's
       exit handler to wait for them. The main block now joins all ten.
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
