"""The names of the tracer's events: the tracer writes them, the runner reads them.

Stdlib-only and import-free: every interpreter of a run imports it (as
``_labkit_events`` from the runner's PYTHONPATH); the runner imports it as
``labkit._boot._labkit_events``. Plain strings, not an enum: importing ``enum`` would
add to every interpreter's start.
"""

INTERP = "interp"  # an interpreter of the run came up: role, ppid, executable, version
OUT = "out"  # one line of stdout/stderr: stream, text (b64 when not UTF-8)
METHODS = "methods"  # main only: the platform's default and available start methods
MAIN_EXIT = "main_exit"  # main only, at exit: the start method its context ended with
START_REQ = "start_req"  # Process.start() was called: seq, name, daemon
START_RET = "start_ret"  # ... and made a child: seq, child pid, name, method
BOOT = "boot"  # in the child: its bootstrap began: name, daemon, ppid
LEFT = "left"  # in the child: its bootstrap returned: exitcode
NOTICED = "noticed"  # in the parent: it first saw the child's exit code: child, exitcode

# The runner's exit watch: the tracer sends each new child's pidfd to this socket.
EXIT_SOCKET_ENV = "LABKIT_EXIT_SOCKET"
