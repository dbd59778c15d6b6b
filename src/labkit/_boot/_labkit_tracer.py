"""The tracer: records what each interpreter of a run does, as JSON lines.

Stdlib-only and import-light: it runs inside every interpreter of a run (the main
script, spawn children, the fork server, the resource tracker) and survives fork.
Each process appends to its own ``<pid>.jsonl`` in ``LABKIT_TRACE_DIR``; times are
``perf_counter_ns`` (system-wide on Linux, macOS and Windows) minus the runner's t0.
"""

from __future__ import annotations

import _thread
import atexit
import io
import os
import sys
import time

import _labkit_events as _ev

try:  # the C function json uses, without importing json (~1 ms in every interpreter)
    from _json import encode_basestring_ascii as _quote
except ImportError:  # an interpreter without the accelerator
    from json.encoder import encode_basestring_ascii as _quote

_T0 = 0
_DIR = ""
_fd = -1
_fd_pid = -1
_HIGH_FD = 1019  # where this process's trace file lives, below the usual limit of 1024
_seq = 0
_MAIN_PID = -1  # the script's own interpreter (a fork of it is not)
_after_fork_hooked = False  # multiprocessing.util will re-trace a child's _children
_sinks: list[_Sink] = []


_perf_ns = time.perf_counter_ns


def _now() -> float:
    return (time.perf_counter_ns() - _T0) / 1e9


def emit(ev: str, **fields: object) -> None:
    """Append one event; opens this process's own file first if it changed pid (fork)."""
    global _fd, _fd_pid
    pid = os.getpid()
    if pid != _fd_pid:
        _fd = _high(
            os.open(
                os.path.join(_DIR, f"{pid}.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
            ),
            inherited=_fd == _HIGH_FD,
        )
        _fd_pid = pid
    fields.setdefault("t", _now())
    fields["ev"] = ev
    fields["pid"] = pid
    os.write(_fd, (_dump(fields) + "\n").encode("ascii"))


def _high(fd: int, inherited: bool, target: int = _HIGH_FD) -> int:
    """Move a descriptor of the kit out of the script's way: by hand the script's own
    files, pipes and sockets get the lowest numbers (a spawn child's command line
    shows them)."""
    if fd >= target:
        return fd
    if not inherited:  # a fork child replaces its parent's copy; else never clobber
        try:
            os.fstat(target)
            return fd  # taken by the script itself
        except OSError:
            pass
    try:
        os.dup2(fd, target, inheritable=False)
    except OSError:  # a descriptor limit below it
        return fd
    os.close(fd)
    return target


_INF = float("inf")


def _dump(fields: dict) -> str:
    """json.dumps for flat events, without its cost in a fresh fork child (~4× faster)."""
    return "{" + ", ".join(f"{_quote(key)}: {_value(value)}" for key, value in fields.items()) + "}"


def _value(value: object) -> str:
    if isinstance(value, str):
        return _quote(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int) or (isinstance(value, float) and -_INF < value < _INF):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(_value, value)) + "]"
    import json  # anything else (never in the tracer's own events)

    return json.dumps(value)


class _Sink(io.BufferedIOBase):
    """The bytes under sys.stdout/sys.stderr: every complete line becomes an event.

    The text layer above it writes through, so a line is stamped when the script wrote
    its first bytes (``print(..., end='')``), not when its newline came. ``flushed``
    counts the bytes of the unfinished line that the script flushed: by hand (a
    terminal) only the rest is still in a buffer that a fork child inherits.
    """

    def __init__(self, stream: str, fd: int, unbuffered: bool) -> None:
        super().__init__()
        self.stream = stream
        self.fd = fd
        self.unbuffered = unbuffered  # python -u / PYTHONUNBUFFERED: every write is flushed
        self.pending = bytearray()
        self.pending_t = 0.0
        self.flushed = 0

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        # The real descriptor, as by hand: faulthandler, subprocess(stdout=sys.stdout) and
        # os.write(sys.stdout.fileno()) use it; what they write is read from the pipe.
        return self.fd

    @property
    def raw(self) -> _Sink:  # some scripts reach for sys.stdout.buffer.raw
        return self

    def write(self, b) -> int:  # type: ignore[override]
        # Called for every piece print() writes: kept lean (no copy, one search).
        pending = self.pending
        start = len(pending)
        if not start:
            self.pending_t = (_perf_ns() - _T0) / 1e9
        pending += b
        written = len(pending) - start
        if pending.find(b"\n", start) >= 0:
            self._lines()
        elif self.unbuffered:
            self.flushed = len(pending)
        return written

    def _lines(self) -> None:
        pending = self.pending
        t = self.pending_t
        while (cut := pending.find(b"\n")) >= 0:
            self._line(bytes(pending[:cut]), t)
            del pending[: cut + 1]
            t = _now()
        self.pending_t = t
        self.flushed = len(pending) if self.unbuffered else 0

    def flush(self) -> None:
        self.flushed = len(self.pending)

    def after_fork(self) -> None:
        """In a fork child: keep only what by hand would still sit in the copied buffer."""
        del self.pending[: self.flushed]
        self.flushed = 0

    def drain(self) -> None:
        """Emit a last line that had no newline (called when the process ends)."""
        if self.pending:
            self._line(bytes(self.pending), self.pending_t)
            self.pending.clear()
            self.flushed = 0

    def _line(self, raw: bytes, t: float) -> None:
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            emit(_ev.OUT, t=t, stream=self.stream, text=raw.decode("utf-8"))
        except UnicodeDecodeError:
            import base64  # only here: most runs never need it

            # Keep what is not UTF-8: readable escapes plus the exact bytes.
            emit(
                _ev.OUT,
                t=t,
                stream=self.stream,
                text=raw.decode("utf-8", "backslashreplace"),
                b64=base64.b64encode(raw).decode("ascii"),
            )


def _same_file(fd: int, ident: str | None) -> bool:
    if not ident:
        return False
    try:
        st = os.fstat(fd)
    except OSError:
        return False
    return f"{st.st_dev}:{st.st_ino}" == ident and st.st_ino != 0


def _capture(name: str, fd: int, role: str) -> None:
    """Replace sys.stdout/err by a line-recording stream, but only where it is the run's.

    An interpreter the script started itself with its own pipes (subprocess with
    capture_output) keeps its real stream, so the script still reads its output.
    """
    orig = getattr(sys, name)
    if orig is None:
        return
    key = f"LABKIT_{name.upper()}_ID"
    if role == "main":
        # The run's own pipe: descendants compare their stream with it.
        try:
            st = os.fstat(fd)
            os.environ[key] = f"{st.st_dev}:{st.st_ino}"
        except OSError:
            pass
    elif not _same_file(fd, os.environ.get(key)) and not (
        os.name == "nt" and role != "interpreter"
    ):
        return
    sink = _Sink(name, fd, bool(getattr(orig, "write_through", False)))
    _sinks.append(sink)
    wrapper = io.TextIOWrapper(  # type: ignore[type-var]
        sink,
        encoding=getattr(orig, "encoding", None) or "utf-8",
        errors=getattr(orig, "errors", None) or "strict",
        newline="\n",
        line_buffering=False,  # it writes through; flush() is then the script's own
        write_through=True,
    )
    setattr(sys, name, wrapper)


def _drain() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    for sink in _sinks:
        sink.drain()


def _after_fork_in_child() -> None:
    # The parent's flushed unfinished line belongs to the parent: it will emit it itself.
    for sink in _sinks:
        sink.after_fork()


def _role() -> str:
    argv = " ".join(getattr(sys, "orig_argv", sys.argv))
    if "LABKIT_MAIN_PID" not in os.environ:
        os.environ["LABKIT_MAIN_PID"] = str(os.getpid())
        return "main"
    if "multiprocessing.forkserver import main" in argv:
        return "forkserver"
    if "multiprocessing.resource_tracker import main" in argv:
        return "resource_tracker"
    if "--multiprocessing-fork" in argv:
        return "spawned"
    return "interpreter"


def _patch_multiprocessing() -> None:
    """Record starts, boots, exits without a frame of ours in any traceback.

    Process.start() itself stays the stdlib's: its call to ``process._cleanup()`` (before
    the child is made) stamps the request; ``process._children.add()`` (after) stamps the
    child. A start that raised has a request without a child. A ``returncode`` property on
    the Popen classes sees when the parent first learns the exit code.
    """
    from multiprocessing import process

    getframe = sys._getframe
    get_ident = _thread.get_ident
    start_code = process.BaseProcess.start.__code__
    orig_cleanup = process._cleanup  # type: ignore[attr-defined]
    orig_bootstrap = process.BaseProcess._bootstrap  # type: ignore[attr-defined]
    pending: dict[int, int] = {}  # thread -> seq of the start() it is in
    traced_popen: set[type] = set()

    def requested(proc) -> None:  # type: ignore[no-untyped-def]
        global _seq
        _seq += 1
        pending[get_ident()] = _seq
        emit(
            _ev.START_REQ,
            seq=_seq,
            name=getattr(proc, "name", None),
            daemon=bool(getattr(proc, "daemon", False)),
        )

    def made(proc) -> None:  # type: ignore[no-untyped-def]
        popen = proc._popen
        cls = type(popen)
        if cls not in traced_popen:
            traced_popen.add(cls)
            _trace_returncode(cls)
        emit(
            _ev.START_RET,
            seq=pending.pop(get_ident(), 0),
            child=popen.pid,
            name=proc.name,
            method=getattr(popen, "method", None),
        )
        _watch_exit(popen.pid)

    def _cleanup() -> None:
        frame = getframe(1)
        if frame.f_code is start_code:
            requested(frame.f_locals.get("self"))
        orig_cleanup()

    class _Children(set):
        """process._children: start() adds each child it made, right after making it."""

        __slots__ = ()

        def add(self, proc) -> None:  # type: ignore[no-untyped-def, override]
            set.add(self, proc)
            if getframe(1).f_code is start_code:
                made(proc)

    def _bootstrap(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The stdlib's _bootstrap catches and prints everything the child raises, so no
        # traceback ever passes through this frame.
        global _after_fork_hooked
        emit(_ev.BOOT, name=self.name, daemon=bool(self.daemon), ppid=os.getppid())
        if not _after_fork_hooked:
            # Here, not at install: multiprocessing.util costs every interpreter's start
            # (threading, weakref), and only a child's bootstrap needs it (it imports it).
            from multiprocessing import util

            _after_fork_hooked = True
            util.register_after_fork(_Children, _children_again)
        code = orig_bootstrap(self, *args, **kwargs)
        _drain()
        emit(_ev.LEFT, exitcode=code)
        return code

    def _children_again(_: object) -> None:
        # A child's bootstrap starts it with a plain empty set: trace its own children.
        process._children = _Children()  # type: ignore[attr-defined]

    process._children = _Children(process._children)  # type: ignore[attr-defined]
    process.BaseProcess._bootstrap = _bootstrap  # type: ignore[attr-defined]
    if {"_cleanup", "_children"} <= set(start_code.co_names):
        process._cleanup = _cleanup  # type: ignore[attr-defined]
        return
    # A release whose start() no longer calls both (3.11-3.13 do): wrap start() itself,
    # at the price of a frame in a traceback that passes through it.
    orig_start = process.BaseProcess.start

    def start(self):  # type: ignore[no-untyped-def]
        requested(self)
        orig_start(self)
        if self not in process._children:  # type: ignore[attr-defined]
            made(self)

    process.BaseProcess.start = start  # type: ignore[method-assign]


def _trace_returncode(cls: type) -> None:
    """Emit once when a Popen first learns its child's exit code (poll, wait, join)."""
    for klass in cls.__mro__:
        if isinstance(klass.__dict__.get("returncode"), property):
            return  # a base class already traced

    def get(self):  # type: ignore[no-untyped-def]
        return self.__dict__.get("returncode")

    def put(self, code) -> None:  # type: ignore[no-untyped-def]
        d = self.__dict__
        if code is not None and d.get("returncode") is None:
            try:
                emit(_ev.NOTICED, child=getattr(self, "pid", None), exitcode=code)
            except OSError:
                pass
        d["returncode"] = code

    cls.returncode = property(get, put)  # type: ignore[attr-defined]


_exit_sock = None


def _watch_exit(pid: int) -> None:
    """Hand the runner a pidfd of the new child: it stamps the moment the child dies.

    The watching happens outside the run (no thread in the script's processes, which
    would change what fork() does and warns about); Linux only, else the parent's
    noticing is the end time known.
    """
    path = os.environ.get(_ev.EXIT_SOCKET_ENV)
    if not path or not hasattr(os, "pidfd_open"):
        return
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        return  # already reaped (a fork server's child that ended at once)
    try:
        import _socket

        global _exit_sock
        if _exit_sock is None:  # one per process tree (fork children share it), kept high
            sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM)
            high = _high(sock.detach(), False, _HIGH_FD - 1)
            _exit_sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM, 0, high)
            _exit_sock.settimeout(1.0)
        _exit_sock.sendmsg(
            [pid.to_bytes(8, "little")],
            [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fd.to_bytes(4, sys.byteorder))],
            0,
            path,
        )
    except OSError:
        pass  # the runner is gone or busy: the noticed time remains
    finally:
        os.close(fd)


def _main_setup(context) -> None:  # type: ignore[no-untyped-def]
    """In the script's own interpreter: make the requested start method the default."""
    default_context = context._default_context
    listed = default_context.get_all_start_methods()
    emit(
        _ev.METHODS,
        default=getattr(getattr(default_context, "_default_context", None), "_name", None),
        available=listed,
    )
    method = os.environ.get("LABKIT_START_METHOD", "default")
    if method != "default":
        # The requested method becomes the default, not a fixed choice: the script's own
        # set_start_method(), force=True or get_context() then behave as by hand.
        default_context._default_context = default_context.get_context(method)

        # 3.14+ computes this list from the default: keep the platform's, as a script
        # that called set_start_method() itself would see.
        def get_all_start_methods() -> list[str]:
            return list(listed)

        default_context.get_all_start_methods = get_all_start_methods
        package = sys.modules.get("multiprocessing")
        if getattr(package, "get_all_start_methods", None) is not None:  # bound already
            package.get_all_start_methods = get_all_start_methods  # type: ignore[union-attr]

    def at_exit() -> None:
        emit(_ev.MAIN_EXIT, method=default_context.get_start_method(allow_none=True))

    atexit.register(at_exit)


def _on_multiprocessing(context) -> None:  # type: ignore[no-untyped-def]
    """multiprocessing was just imported (its context module ran): trace it."""
    _patch_multiprocessing()
    prefix = os.environ.get("LABKIT_SEM_PREFIX")
    if prefix:
        # Named semaphores carry the run's id, so the kit can unlink what a killed run
        # left in /dev/shm, also what died before the resource tracker heard of it. Set
        # in every interpreter: fork children inherit the process's config, but spawn
        # children and the fork server start from multiprocessing's default "/mp".
        context.process.current_process()._config["semprefix"] = prefix
    if _MAIN_PID == os.getpid():
        _main_setup(context)


class _WhenImported:
    """Waits for ``multiprocessing.context`` to be imported, then traces multiprocessing.

    Importing multiprocessing at start would cost every interpreter ~5 ms (socket,
    pickle) that a script without processes never pays by hand.
    """

    name = "multiprocessing.context"

    def find_spec(self, name, path, target=None):  # type: ignore[no-untyped-def]
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path, target)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def exec_module(module) -> None:  # type: ignore[no-untyped-def]
            run_module(module)
            _on_multiprocessing(module)

        loader.exec_module = exec_module
        return spec


def install() -> None:
    global _T0, _DIR, _MAIN_PID
    _T0 = int(os.environ.get("LABKIT_T0_NS", "0"))
    _DIR = os.environ["LABKIT_TRACE_DIR"]
    role = _role()
    # Registered first, so it runs last: after multiprocessing's own exit handler
    # has terminated daemons and joined children, whose last words it then keeps.
    atexit.register(_drain)
    emit(
        _ev.INTERP,
        role=role,
        ppid=os.getppid(),
        executable=sys.executable,
        version=".".join(map(str, sys.version_info[:3])),
        implementation=sys.implementation.name,
        argv=list(getattr(sys, "orig_argv", sys.argv))[:8],
    )
    _capture("stdout", 1, role)
    _capture("stderr", 2, role)
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
    if role == "main":
        _MAIN_PID = os.getpid()
    context = sys.modules.get(_WhenImported.name)
    if context is not None:  # imported before us (a .pth file)
        _on_multiprocessing(context)
    else:
        sys.meta_path.insert(0, _WhenImported())
