"""练习 pipe_eof：读到 EOF 才停的读者 / Exercise pipe_eof: a reader that stops at end-of-file

任务 / Task:
    主进程通过单向管道 Pipe 给读者子进程发送 1 到 10，然后关闭写端；读者一直 recv()，
    直到 EOFError 才停下并打印总和。spawn 和 forkserver 下正常；fork 下子进程继承了父进程的
    全部文件描述符，其中也有管道的写端，只要还有一个写端开着，读者就永远等不到 EOF：挂起。
    和别的练习相反，这个程序只在 fork 下出错。请修改程序。
    The main process sends 1 to 10 to a reader child through a one-way Pipe, then
    closes its write end; the reader calls recv() until EOFError, then prints the
    total. Under spawn and forkserver it works; under fork the child inherits every
    file descriptor of the parent, the pipe's write end too, and while one write end
    is open the reader never sees end-of-file: it hangs. Unlike the other exercises,
    this one fails under fork only. Fix the program.

完成标准 / Done when:
    每一种启动方法下打印 'reader got total 55' 和 'reader exitcode 0'，在几秒内结束，退出码 0。
    Under every start method it prints 'reader got total 55' and 'reader exitcode 0',
    ends within seconds and exits 0.

提示 / Hint:
    不要依赖 EOF：发送一个结束标记（例如 None），读者收到它就停；或者把写端也传给读者，
    让读者先关闭自己不用的写端。
    Do not rely on end-of-file: send an end marker (e.g. None) and stop on it; or pass
    the write end to the reader too and have it close that unused end first.
"""
from multiprocessing import Process, Pipe


def reader(conn):
    total = 0
    while True:
        try:
            total += conn.recv()
        except EOFError:  # every write end is closed
            break
    print('reader got total', total)


if __name__ == '__main__':
    r, w = Pipe(duplex=False)
    p = Process(target=reader, args=(r,))
    p.start()
    for i in range(1, 11):
        w.send(i)
    w.close()
    p.join()
    print('reader exitcode', p.exitcode)
