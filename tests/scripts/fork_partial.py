"""An unfinished line, unflushed and then flushed, before os.fork(): by hand at a
terminal the child inherits the unflushed one in its copy of the buffer."""
import os
import sys

print("inherited-", end="")
pid = os.fork()
if pid == 0:
    print("child")
    sys.exit(0)
os.waitpid(pid, 0)
print("parent")
print("flushed-", end="", flush=True)
pid = os.fork()
if pid == 0:
    print("child")
    sys.exit(0)
os.waitpid(pid, 0)
print("parent")
