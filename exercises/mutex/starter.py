"""练习 mutex：超卖的票 / Exercise mutex: oversold tickets

任务 / Task:
    剩一张票，五个买家在同一时刻抢。余票 tickets 是模块级的共享内存 Value，买家在它自带的锁
    里检查并减少余票。fork 下子进程继承同一块共享内存和同一把锁：只卖出一张。spawn 和
    forkserver 下每个子进程重新导入本文件，各自创建了一份余票和一把锁：每个人都买到了，超卖。
    请修改程序。
    One ticket left, five buyers at the same instant. The count `tickets` is a
    module-level shared Value; buyers check and decrement it under its own lock.
    Under fork the children inherit the same shared memory and lock: one ticket is
    sold. Under spawn and forkserver each child imports this file again and makes
    its own count and its own lock: everyone buys, oversold. Fix the program.

完成标准 / Done when:
    每一种启动方法下 'bought the ticket' 恰好打印一次，'sold out' 打印四次，最后主进程打印
    'tickets left: 0'，退出码 0。
    Under every start method 'bought the ticket' is printed exactly once, 'sold out'
    four times, then main prints 'tickets left: 0'; exit code 0.

提示 / Hint:
    在 __main__ 块里创建 Value（它带着自己的锁），通过 args=... 传给每个买家，
    在同一把锁里检查和减少余票。
    Create the Value (it carries its own lock) in the main block, pass it to every
    buyer in args=..., and check and decrement under that one lock.
"""
from multiprocessing import Process, Value
import os
import time

tickets = Value('i', 1)  # one ticket left, in shared memory


def buy(start_at):
    time.sleep(max(0, start_at - time.time()))  # all buyers at the same instant
    with tickets.get_lock():
        if tickets.value > 0:
            time.sleep(0.05)  # paying takes a moment
            tickets.value -= 1
            print(os.getpid(), 'bought the ticket')
        else:
            print(os.getpid(), 'sold out')


if __name__ == '__main__':
    start_at = time.time() + 1.0
    buyers = [Process(target=buy, args=(start_at,)) for i in range(5)]
    for b in buyers:
        b.start()
    for b in buyers:
        b.join()
    print('tickets left:', tickets.value)
