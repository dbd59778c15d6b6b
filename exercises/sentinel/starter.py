"""练习 sentinel：收不到结束标记的消费者 / Exercise sentinel: consumers that never see their end marker

任务 / Task:
    主进程（生产者）往队列里放 6 个包子，然后给每个消费者放一个结束标记 STOP。
    STOP 是模块导入时随机生成的。fork 下子进程和父进程是同一个 STOP，程序正常结束；
    spawn 和 forkserver 下子进程重新导入本文件，生成了另一个 STOP，认不出父进程放的标记，
    永远卡在 q.get()。请修改程序。
    The main process (the producer) puts 6 buns on a queue, then one end marker STOP
    per consumer. STOP is generated at random when the module is imported. Under fork
    the children share the parent's STOP and the program ends; under spawn and
    forkserver each child imports this file again, gets another STOP, does not
    recognise the parent's marker and waits in q.get() for ever. Fix the program.

完成标准 / Done when:
    每一种启动方法下 'ate bun 0' 到 'ate bun 5' 各打印一次，最后打印 'all eaten'，
    程序在几秒内结束，退出码 0。
    Under every start method 'ate bun 0' ... 'ate bun 5' are printed once each, then
    'all eaten'; the program ends within seconds and exits 0.

提示 / Hint:
    结束标记必须在每个进程里都相同：用 None 或一个固定的常量，或者把标记作为参数传给消费者。
    The end marker must be equal in every process: use None or a fixed constant, or
    pass the marker to the consumers as an argument.
"""
from multiprocessing import Process, Queue
import uuid

STOP = 'stop-' + uuid.uuid4().hex  # a marker no real item can equal


def consumer(q):
    while True:
        item = q.get()
        if item == STOP:
            break
        print('ate', item)


if __name__ == '__main__':
    q = Queue()
    eaters = [Process(target=consumer, args=(q,)) for i in range(2)]
    for e in eaters:
        e.start()
    for i in range(6):
        q.put('bun %d' % i)
    for e in eaters:
        q.put(STOP)
    for e in eaters:
        e.join()
    print('all eaten')
