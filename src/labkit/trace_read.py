"""Reading a run's trace folder, which the script can write to as well.

Only regular files named ``<pid>.jsonl`` are read, opened without following links and
without blocking (a FIFO or a device is never read), within size caps per file and in
total. A line that is not a well-formed event of its file's process is recorded in
``tracer_errors`` with its file and line, and skipped: nothing the script plants there
can block the kit, exhaust it, or break the Observation. Each process is named by (pid,
the time it came up), so a pid reused within a run cannot merge two processes.
Stdlib-only.
"""

from __future__ import annotations

import json
import math
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 64 << 20  # a trace file of one process: far above any real one
MAX_TOTAL_BYTES = 256 << 20
MAX_FILES = 20_000
MAX_DEPTH = 4  # events are flat objects; nesting beyond this is not the tracer's

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_INT = (int,)
_NUM = (int, float)
_STR = (str,)
_LIST = (list,)
_OPT_INT = (int, type(None))
_OPT_STR = (str, type(None))
_OPT_BOOL = (bool, type(None))

# The fields each event kind needs, with their types; extra fields are allowed.
EVENT_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "interp": {"role": _STR, "ppid": _OPT_INT, "executable": _STR, "version": _STR,
               "implementation": _STR},
    "boot": {"ppid": _OPT_INT},
    "start_req": {"seq": _INT, "name": _OPT_STR, "daemon": _OPT_BOOL},
    "start_ret": {"seq": _INT, "child": _INT, "name": _STR, "method": _OPT_STR},
    "start_fail": {"error": _STR},
    "left": {"exitcode": _OPT_INT},
    "reaped": {"child": _INT, "exitcode": _OPT_INT},
    "noticed": {"child": _OPT_INT, "exitcode": _OPT_INT},
    "out": {"stream": _STR, "text": _STR, "b64": _OPT_STR},
    "methods": {"default": _OPT_STR, "available": _LIST},
    "main_exit": {"method": _OPT_STR},
}
# Fields whose values the kit turns into its own names: anything else is not the tracer's.
EVENT_VALUES: dict[str, frozenset[str]] = {
    "role": frozenset({"main", "spawned", "forkserver", "resource_tracker", "interpreter"}),
    "stream": frozenset({"stdout", "stderr"}),
}


@dataclass
class TraceRead:
    events: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _problem(ev: object, pid: int) -> str | None:
    """Why this parsed line is not an event of process ``pid`` (None: it is one)."""
    if not isinstance(ev, dict):
        return "not an object"
    kind = ev.get("ev")
    if not isinstance(kind, str):
        return "no event kind"
    if ev.get("pid") != pid or isinstance(ev.get("pid"), bool):
        return f"pid {ev.get('pid')!r} in the file of pid {pid}"
    t = ev.get("t")
    if not isinstance(t, _NUM) or isinstance(t, bool) or not math.isfinite(t):
        return "no finite time"
    for name, types in EVENT_FIELDS.get(kind, {}).items():
        if name not in ev and type(None) in types:
            continue
        value = ev.get(name)
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return f"{kind}: field {name!r} is {type(value).__name__}"
    for name, allowed in EVENT_VALUES.items():
        if name in ev and ev[name] not in allowed:
            return f"{kind}: {name} {str(ev[name])[:40]!r} is not one the tracer writes"
    if kind == "methods" and not all(isinstance(m, str) for m in ev["available"]):
        return "methods: available is not a list of names"
    return None


def _open_regular(name: str, dir_fd: int | None, folder: Path) -> tuple[int, int] | str:
    """(fd, size) of a regular file, or why it is not read."""
    try:
        if dir_fd is not None:
            fd = os.open(name, _FLAGS, dir_fd=dir_fd)
        else:  # no dir_fd (Windows): refuse links by lstat first
            if not stat.S_ISREG(os.lstat(folder / name).st_mode):
                return "not a regular file"
            fd = os.open(folder / name, _FLAGS)
    except OSError as exc:
        return f"not opened ({exc.strerror or exc})"
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        return "not a regular file"
    return fd, st.st_size


def _read_capped(fd: int, cap: int) -> bytes:
    chunks = []
    left = cap
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_events(tracedir: Path) -> TraceRead:
    """Every well-formed event in the folder, by time; each problem as one error line."""
    out = TraceRead()
    dir_fd: int | None = None
    try:
        if os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
            dir_fd = os.open(tracedir, os.O_RDONLY | os.O_DIRECTORY
                             | getattr(os, "O_NOFOLLOW", 0))
            names = os.listdir(dir_fd)
        else:
            names = os.listdir(tracedir)
    except OSError as exc:
        out.errors.append(f"trace folder unreadable: {exc.strerror or exc}")
        return out
    try:
        total = 0
        names = sorted(n for n in names if n.endswith(".jsonl"))
        if len(names) > MAX_FILES:
            out.errors.append(f"{len(names)} trace files: only the first {MAX_FILES} read")
            names = names[:MAX_FILES]
        for name in names:
            stem = name[: -len(".jsonl")]
            if not stem.isdigit():
                out.errors.append(f"{name}: not a trace file name, skipped")
                continue
            opened = _open_regular(name, dir_fd, tracedir)
            if isinstance(opened, str):
                out.errors.append(f"{name}: {opened}, skipped")
                continue
            fd, size = opened
            try:
                if size > MAX_FILE_BYTES:
                    out.errors.append(f"{name}: {size} bytes, over the {MAX_FILE_BYTES} cap, "
                                      "skipped")
                    continue
                if total + size > MAX_TOTAL_BYTES:
                    out.errors.append(f"{name}: over the {MAX_TOTAL_BYTES}-byte total, skipped")
                    continue
                data = _read_capped(fd, MAX_FILE_BYTES + 1)
            finally:
                os.close(fd)
            total += len(data)
            _parse(name, int(stem), data, out)
    finally:
        if dir_fd is not None:
            os.close(dir_fd)
    out.events.sort(key=lambda e: e["t"])
    return out


def _parse(name: str, pid: int, data: bytes, out: TraceRead) -> None:
    born: float | None = None  # when the current process of this pid came up
    has_interp = has_boot = False
    for n, line in enumerate(data.splitlines(), 1):
        try:
            ev = json.loads(line)
        except (ValueError, RecursionError):
            # A process killed mid-write leaves half a line: say so, keep the rest.
            out.errors.append(f"{name}:{n}: unreadable trace line ({len(line)} bytes)")
            continue
        why = _problem(ev, pid)
        if why is None and _too_deep(ev):
            why = "nested too deep"
        if why is not None:
            out.errors.append(f"{name}:{n}: malformed event ({why}), skipped")
            continue
        # A spawn child logs interp then boot; any other birth event in the same file
        # is a new process that got the pid again.
        kind = ev["ev"]
        if kind == "interp" and (has_interp or has_boot) or kind == "boot" and has_boot:
            has_interp = has_boot = False
            born = None
        if kind in ("interp", "boot"):
            has_interp |= kind == "interp"
            has_boot |= kind == "boot"
            born = ev["t"] if born is None else born
        ev["born"] = born  # with pid, names the process
        out.events.append(ev)


def _too_deep(value: object, depth: int = 0) -> bool:
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, dict):
        return any(_too_deep(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_too_deep(v, depth + 1) for v in value)
    return False


class ByProcess:
    """Events of one kind by process: (pid, when it came up), so a reused pid is two."""

    def __init__(self, events: list[dict]) -> None:
        self.by_pid: dict[int, list[dict]] = {}
        for e in events:
            self.by_pid.setdefault(e["pid"], []).append(e)

    def first(self, pid: int, born_after: float | None = None) -> dict | None:
        """The event of the first process with this pid that came up at or after a time
        (a child comes up after its start was requested)."""
        for e in self.by_pid.get(pid, ()):
            born = e.get("born")
            if born_after is None or born is None or born >= born_after:
                return e
        return None

    def of(self, pid: int, born: float | None) -> dict | None:
        """The event of exactly that process."""
        return next((e for e in self.by_pid.get(pid, ()) if e.get("born") == born), None)


def first_about(events: list[dict], child: int, after: float | None) -> dict | None:
    """The first event a parent wrote about ``child`` at or after a time (its exit seen)."""
    return next((e for e in events
                 if e.get("child") == child and (after is None or e["t"] >= after)), None)
