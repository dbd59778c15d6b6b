"""A script without processes: what it has imported is what it imports by hand."""
import sys

print("multiprocessing imported:", "multiprocessing" in sys.modules)
print("json imported:", "json" in sys.modules)
