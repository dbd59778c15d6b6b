"""The tracer: records what each interpreter of a run does, as JSON lines.

Stdlib-only and import-light: it runs inside every interpreter of a run (the main
script, spawn children, the fork server, the resource tracker) and survives fork.
Each process appends to its own ``<pid>.jsonl`` in ``LABKIT_TRACE_DIR``; times are
``perf_counter_ns`` (system-wide on Linux, macOS and Windows) minus the runner's t0.
"""

from __future__ import annotations

import atexit
import io
import math
import os
import sys
import time

# Import-light: every interpreter of a run loads this module, a bare `python -c` too, so
# neither json (nor the re it pulls in) nor multiprocessing is imported here.
try:
    from _json import encode_basestring_ascii as _quote
except ImportError:  # an interpreter without the C accelerator
    from json.encoder import encode_basestring_ascii as _quote

_T0 = 0
_DIR = ""
_fd = -1
_fd_pid = -1
_seq = 0
_sinks: list[_Sink] = []


def _now() -> float:
    return (time.perf_counter_ns() - _T0) / 1e9


def emit(ev: str, **fields: object) -> None:
    """Append one event; opens this process's own file first if it changed pid (fork)."""
    global _fd, _fd_pid
    pid = os.getpid()
    if pid != _fd_pid:
        _fd = os.open(
            os.path.join(_DIR, f"{pid}.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
        )
        _fd_pid = pid
    fields.setdefault("t", _now())
    fields["ev"] = ev
    fields["pid"] = pid
    os.write(_fd, (_dump(fields) + "\n").encode("ascii"))


def _dump(fields: dict) -> str:
    """json.dumps for flat events, without its cost in a fresh fork child (~4× faster)."""
    parts = []
    for key, value in fields.items():
        if isinstance(value, str):
            text = _quote(value)
        elif value is None or isinstance(value, bool):
            text = "null" if value is None else ("true" if value else "false")
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            text = repr(value)
        elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            text = "[" + ", ".join(map(_quote, value)) + "]"
        else:
            import json  # only here: the events above are flat

            text = json.dumps(value)
        parts.append(f"{_quote(key)}: {text}")
    return "{" + ", ".join(parts) + "}"


class _Sink(io.RawIOBase):
    """The bytes under sys.stdout/sys.stderr: every complete line becomes an event."""

    def __init__(self, stream: str) -> None:
        super().__init__()
        self.stream = stream
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        data = bytes(b)
        self.pending += data
        while True:
            cut = self.pending.find(b"\n")
            if cut < 0:
                break
            self._line(bytes(self.pending[:cut]))
            del self.pending[: cut + 1]
        return len(data)

    def drain(self) -> None:
        """Emit a last line that had no newline (called when the process ends)."""
        if self.pending:
            self._line(bytes(self.pending))
            self.pending.clear()

    def _line(self, raw: bytes) -> None:
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        try:
            emit("out", stream=self.stream, text=raw.decode("utf-8"))
        except UnicodeDecodeError:
            import base64  # only here: most runs never need it

            # Keep what is not UTF-8: readable escapes plus the exact bytes.
            emit(
                "out",
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
    sink = _Sink(name)
    _sinks.append(sink)
    wrapper = io.TextIOWrapper(
        io.BufferedWriter(sink),
        encoding=getattr(orig, "encoding", None) or "utf-8",
        errors=getattr(orig, "errors", None) or "strict",
        newline="\n",
        line_buffering=True,
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
    # The parent's unfinished line belongs to the parent: it will emit it itself.
    for sink in _sinks:
        sink.pending.clear()


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


class _PatchOnImport:
    """Patches ``multiprocessing.process`` as it is first imported, so an interpreter that
    never uses multiprocessing does not pay for importing it."""

    NAME = "multiprocessing.process"

    def find_spec(self, name, path=None, target=None):  # type: ignore[no-untyped-def]
        if name != self.NAME:
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = getattr(finder, "find_spec", lambda *a: None)(name, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):  # type: ignore[no-untyped-def]
            exec_module(module)
            _patch_multiprocessing(module)

        spec.loader.exec_module = exec_and_patch
        return spec


def _patch_multiprocessing(process) -> None:  # type: ignore[no-untyped-def]
    base = process.BaseProcess
    orig_start = base.start
    orig_bootstrap = base._bootstrap  # type: ignore[attr-defined]

    def start(self):  # type: ignore[no-untyped-def]
        global _seq
        _seq += 1
        seq = _seq
        emit("start_req", seq=seq, name=self.name, daemon=bool(self.daemon))
        try:
            orig_start(self)
        except BaseException as exc:
            emit("start_fail", seq=seq, name=self.name, error=f"{type(exc).__name__}: {exc}")
            raise
        popen = self._popen
        emit(
            "start_ret",
            seq=seq,
            child=self.pid,
            name=self.name,
            method=getattr(popen, "method", None),
        )
        _watch_exit(popen)

    def _bootstrap(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        emit("boot", name=self.name, daemon=bool(self.daemon), ppid=os.getppid())
        code = orig_bootstrap(self, *args, **kwargs)
        _drain()
        emit("left", exitcode=code)
        return code

    base.start = start  # type: ignore[method-assign]
    base._bootstrap = _bootstrap  # type: ignore[attr-defined]


def _watch_exit(popen) -> None:  # type: ignore[no-untyped-def]
    """Record once when the parent first sees the child's exit code (poll or wait)."""
    child = popen.pid
    seen: list[int] = []

    def wrap(orig):  # type: ignore[no-untyped-def]
        def call(*args, **kwargs):  # type: ignore[no-untyped-def]
            code = orig(*args, **kwargs)
            if code is not None and not seen:
                seen.append(code)
                emit("reaped", child=child, exitcode=code)
            return code

        return call

    for meth in ("poll", "wait"):
        if hasattr(popen, meth):
            setattr(popen, meth, wrap(getattr(popen, meth)))


def _main_setup() -> None:
    """In the script's own interpreter: force the requested start method."""
    import multiprocessing
    from multiprocessing import context

    default = getattr(context._default_context, "_default_context", None)
    emit(
        "methods",
        default=getattr(default, "_name", None),
        available=multiprocessing.get_all_start_methods(),
    )
    method = os.environ.get("LABKIT_START_METHOD", "default")
    if method != "default":
        multiprocessing.set_start_method(method)

    def at_exit() -> None:
        emit("main_exit", method=multiprocessing.get_start_method(allow_none=True))

    atexit.register(at_exit)


def install() -> None:
    global _T0, _DIR
    _T0 = int(os.environ.get("LABKIT_T0_NS", "0"))
    _DIR = os.environ["LABKIT_TRACE_DIR"]
    role = _role()
    # Registered first, so it runs last: after multiprocessing's own exit handler
    # has terminated daemons and joined children, whose last words it then keeps.
    atexit.register(_drain)
    emit(
        "interp",
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
    if _PatchOnImport.NAME in sys.modules:
        _patch_multiprocessing(sys.modules[_PatchOnImport.NAME])
    else:
        sys.meta_path.insert(0, _PatchOnImport())
    if role == "main":
        _main_setup()
