"""A correct fix of exercises/mutex: one shared Value, made in main, passed to every buyer."""
from multiprocessing import Process, Value
import os
import time


def buy(tickets, start_at):
    time.sleep(max(0, start_at - time.time()))
    with tickets.get_lock():
        if tickets.value > 0:
            time.sleep(0.05)
            tickets.value -= 1
            print(os.getpid(), 'bought the ticket')
        else:
            print(os.getpid(), 'sold out')


if __name__ == '__main__':
    tickets = Value('i', 1)
    start_at = time.time() + 1.0
    buyers = [Process(target=buy, args=(tickets, start_at)) for i in range(5)]
    for b in buyers:
        b.start()
    for b in buyers:
        b.join()
    print('tickets left:', tickets.value)
