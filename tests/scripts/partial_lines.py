"""A line written in two parts, a second apart: it counts from its first part."""
import sys
import time

print("before", flush=True)
print("part-", end="", flush=True)
time.sleep(1)
print("whole")
sys.stdout.write("unflushed-")
time.sleep(1)
print("done")
