"""A fork bomb (do not run it outside a container): every process forks for ever.

The kit container's pids limit must stop it: fork() fails with EAGAIN, and each
process that is refused says so once, then waits to be killed by the runner's watchdog.
Lives under tests/, not labs/: it is a check of the container, not a lesson.
"""

import errno
import os
import sys
import time

if __name__ == "__main__":
    deadline = time.monotonic() + float(sys.argv[1] if len(sys.argv) > 1 else 60)
    depth = 0
    refused = False
    while time.monotonic() < deadline:
        try:
            pid = os.fork()
        except OSError as exc:
            if not refused:
                refused = True
                name = errno.errorcode.get(exc.errno, str(exc.errno))
                os.write(1, f"refused {name} depth={depth} pid={os.getpid()}\n".encode())
            time.sleep(0.2)
            continue
        if pid == 0:
            depth += 1
            refused = False
    os._exit(0)
