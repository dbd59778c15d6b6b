"""Uses the real descriptors under sys.stdout/sys.stderr, as many scripts do."""
import faulthandler
import subprocess
import sys

faulthandler.enable()
print("stdout fileno", sys.stdout.fileno(), "stderr fileno", sys.stderr.fileno(), flush=True)
subprocess.run([sys.executable, "-c", "print('from a subprocess')"], stdout=sys.stdout, check=True)
print("done")
