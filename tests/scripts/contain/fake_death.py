"""Tells the runner's exit socket that its child died at once, with a pipe, not a pidfd."""
import multiprocessing as mp
import os
import socket
import time


def nap():
    time.sleep(1)


if __name__ == "__main__":
    p = mp.Process(target=nap)
    p.start()
    path = os.path.join(os.environ["LABKIT_TRACE_DIR"], "exit.sock")
    r, w = os.pipe()
    os.write(w, b"x")  # readable at once: read as a pidfd, the child would be dead now
    if os.path.exists(path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.connect(path)
        socket.send_fds(s, [p.pid.to_bytes(8, "little")], [r])
        print("sent", flush=True)
    p.join()
