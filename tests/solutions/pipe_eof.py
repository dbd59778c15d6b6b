"""A correct fix of exercises/pipe_eof: the reader closes the write end it was given
(inherited under fork, a duplicate under spawn/forkserver) before reading."""
from multiprocessing import Process, Pipe


def reader(conn, unused_w):
    unused_w.close()
    total = 0
    while True:
        try:
            total += conn.recv()
        except EOFError:
            break
    print('reader got total', total)


if __name__ == '__main__':
    r, w = Pipe(duplex=False)
    p = Process(target=reader, args=(r, w))
    p.start()
    for i in range(1, 11):
        w.send(i)
    w.close()
    p.join()
    print('reader exitcode', p.exitcode)
