"""The runner: one script, one start method, one subprocess, one Observation.

It makes the requested start method the script's default from outside (the tracer's
``sitecustomize`` on PYTHONPATH), runs it in the given working folder (else a fresh temp
one), drains the pipes on threads (no deadlock on large output), watches each child's
exit (Linux pidfds handed over by the tracer), ends the whole process tree at the
timeout, and sweeps anything of the run still alive when the main process is gone.
Stdlib-only: it also runs inside bare containers.
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import platform
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from labkit import __version__, i18n
from labkit._boot import _labkit_events as ev
from labkit.errors import MethodUnavailable, UsageError
from labkit.observation import EndSource, Observation, OutputLine, ProcessRecord, Role, Stream

BOOT_DIR = Path(__file__).resolve().parent / "_boot"
METHODS = ("fork", "spawn", "forkserver")
GRACE_S = 2.0  # after the main process ends, how long helpers get to leave by themselves
TRACKER_GRACE_S = 1.0  # after a kill, how long the resource tracker gets to clean up

# Runs in progress, so that Ctrl-C in the thread that waits on a batch can end them all.
_active: dict[str, subprocess.Popen] = {}
_active_lock = threading.Lock()


def abort_all() -> None:
    """End every run in progress in this process, whole trees, at once."""
    with _active_lock:
        running = list(_active.items())
    for run_id, proc in running:
        _end_tree(proc, run_id, grace=0.0)


def available_methods() -> tuple[str, ...]:
    return tuple(m for m in METHODS if m in multiprocessing.get_all_start_methods())


def check_method(method: str) -> None:
    """Unknown method, or one this platform lacks: bad input (exit 2)."""
    if method == "default":
        return
    if method not in METHODS:
        raise UsageError(
            i18n._("unknown start method {method}: choose from {methods}, default or all")
            .format(method=repr(method), methods=", ".join(METHODS)))
    if method not in available_methods():
        raise MethodUnavailable(
            i18n._("start method {method} is not available on {platform} (available: {methods})")
            .format(method=repr(method), platform=sys.platform,
                    methods=", ".join(available_methods())))


def check_script(path: Path) -> Path:
    if not path.exists():
        raise UsageError(i18n._("no such script: {path}").format(path=path))
    if path.is_dir():
        raise UsageError(i18n._("{path} is a directory, not a Python script").format(path=path))
    return path.resolve()


@dataclass(frozen=True)
class RunOptions:
    method: str = "default"
    timeout: float = 60.0
    lab: str = ""
    variant: str = "base"
    repeat: int = 0
    # The script's working folder, as ``python SCRIPT`` run from there would have it.
    # None: a fresh temp folder, removed afterwards (labs use it). A given folder is
    # never removed.
    cwd: str | Path | None = None


@dataclass(frozen=True)
class RawLine:
    """A line read from the run's pipes (written below Python, or by no traced process)."""

    t: float
    stream: Stream
    data: bytes


@dataclass(frozen=True)
class Execution:
    """What running the script's process gave, before its trace is read."""

    raw_lines: tuple[RawLine, ...]
    exit_code: int | None
    timed_out: bool
    duration_s: float  # until the main process exited (or the timeout)
    started_at: str  # wall-clock ISO time
    died: Mapping[int, float] = field(default_factory=dict)  # pid -> when it died


@dataclass(frozen=True)
class Trace:
    """The tracer's events, in time order, and the lines it could not read."""

    events: tuple[dict, ...]
    errors: tuple[str, ...]


def run(script: Path, options: RunOptions) -> Observation:
    """Run ``script`` once; always returns an Observation, whatever the script did."""
    script = check_script(script)
    check_method(options.method)
    if options.cwd is not None and not Path(options.cwd).is_dir():
        raise UsageError(f"working folder {options.cwd} is not a directory")
    run_id = uuid.uuid4().hex[:12]
    own_cwd = options.cwd is None
    workdir = (
        Path(tempfile.mkdtemp(prefix=f"labkit-{run_id}-cwd-")) if own_cwd
        else Path(options.cwd).resolve()  # type: ignore[arg-type]
    )
    tracedir = Path(tempfile.mkdtemp(prefix=f"labkit-{run_id}-trace-", dir=_fast_tmp()))
    _compile_boot()
    try:
        execution = _execute(script, options, run_id, workdir, tracedir)
        events, errors = _read_events(tracedir)
        return _observe(script, options, run_id, execution, Trace(tuple(events), tuple(errors)))
    finally:
        if own_cwd:
            shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(tracedir, ignore_errors=True)


def _fast_tmp() -> str | None:
    """/dev/shm where it is writable: creating a trace file there costs ~10× less."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


_boot_compiled = False


def _compile_boot() -> None:
    """Byte-compile the tracer once, so no interpreter of a run recompiles it."""
    global _boot_compiled
    if not _boot_compiled:
        _boot_compiled = True
        try:
            import compileall

            compileall.compile_dir(str(BOOT_DIR), quiet=2)
        except OSError:
            pass  # a read-only install: the interpreters compile it in memory


def _env(
    options: RunOptions, run_id: str, tracedir: Path, t0_ns: int, exit_socket: str | None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABKIT_") or k in (
        "LABKIT_IMAGE",
    )}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(BOOT_DIR), os.environ.get("PYTHONPATH", "")) if p
    )
    env.update(
        LABKIT_TRACE_DIR=str(tracedir),
        LABKIT_T0_NS=str(t0_ns),
        LABKIT_START_METHOD=options.method,
        LABKIT_RUN_ID=run_id,
        PYTHONIOENCODING="utf-8",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if exit_socket:
        env[ev.EXIT_SOCKET_ENV] = exit_socket
    return env


def _execute(
    script: Path, options: RunOptions, run_id: str, workdir: Path, tracedir: Path
) -> Execution:
    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    t0_ns = time.perf_counter_ns()
    watch = ExitWatch.open(tracedir, t0_ns)
    env = _env(options, run_id, tracedir, t0_ns, str(watch.path) if watch else None)
    kwargs: dict = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # one process group for the whole tree
    else:
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    try:
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **kwargs,
        )
    except BaseException:
        if watch is not None:
            watch.close()
        raise
    with _active_lock:
        _active[run_id] = proc
    raw: list[tuple[float, str, bytes]] = []
    readers = [
        threading.Thread(target=_drain_pipe, args=(pipe, name, t0_ns, raw), daemon=True)
        for pipe, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr"))
    ]
    for r in readers:
        r.start()
    timed_out = False
    try:
        try:
            _wait(proc, options.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        t_end = (time.perf_counter_ns() - t0_ns) / 1e9
        _end_tree(proc, run_id, grace=0.0 if timed_out else GRACE_S)
    except BaseException:
        _end_tree(proc, run_id, grace=0.0)
        if watch is not None:
            watch.close()
        raise
    finally:
        with _active_lock:
            _active.pop(run_id, None)
    for r in readers:
        r.join(timeout=10)
    return Execution(
        raw_lines=tuple(RawLine(t, Stream(name), data) for t, name, data in raw),
        exit_code=proc.returncode,
        timed_out=timed_out,
        duration_s=t_end,
        started_at=started_at,
        died=watch.finish() if watch else {},
    )


def _watch_cap() -> int:
    """How many children to watch at once: half the descriptors this process may open,
    so the runner itself (pipes, /proc, trace files) never runs out."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return 256
    return 4096 if soft == resource.RLIM_INFINITY else max(16, min(4096, soft // 2))


class ExitWatch:
    """The moment each child dies, from pidfds the tracer hands over a Unix socket.

    One thread in the runner polls them all; the script's processes run no thread of
    the kit (a thread there would change what fork() does, and 3.12+ warns about it).
    """

    def __init__(self, sock, path: Path, t0_ns: int) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self._sock = sock
        self._t0_ns = t0_ns
        self._died: dict[int, float] = {}
        self._cap = _watch_cap()
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._loop, name="labkit-exit-watch",
                                        daemon=True)
        self._thread.start()

    @classmethod
    def open(cls, tracedir: Path, t0_ns: int) -> ExitWatch | None:
        """None where the OS has no pidfds: end times are then the parent's noticing."""
        if not hasattr(os, "pidfd_open") or not hasattr(select, "poll"):
            return None
        import socket

        path = tracedir / "exit.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind(str(path))
        except OSError:  # a path too long for AF_UNIX, say
            sock.close()
            return None
        sock.setblocking(False)
        return cls(sock, path, t0_ns)

    def _now(self) -> float:
        return (time.perf_counter_ns() - self._t0_ns) / 1e9

    def _receive(self, poller, watched: dict[int, int]) -> None:  # type: ignore[no-untyped-def]
        import socket

        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self._sock, 16, 4)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            pid = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
            for fd in fds:
                if pid < 0 or len(watched) >= self._cap:
                    os.close(fd)  # that child's end stays its parent's noticing
                    continue
                watched[fd] = pid
                poller.register(fd, select.POLLIN)

    def _loop(self) -> None:
        poller = select.poll()
        poller.register(self._sock.fileno(), select.POLLIN)
        poller.register(self._stop_r, select.POLLIN)
        watched: dict[int, int] = {}  # pidfd -> pid
        stopping = False
        late: set[int] = set()  # received after the run ended: their death time is unknown
        while True:
            ready = poller.poll(0 if stopping else None)
            now = self._now()
            if not stopping and any(fd == self._stop_r for fd, _ in ready):
                poller.unregister(self._stop_r)
                stopping = True  # first: what arrives with the stop arrived too late
            for fd, _ in ready:
                if fd == self._sock.fileno():
                    before = set(watched)
                    self._receive(poller, watched)
                    if stopping:
                        late |= set(watched) - before
                elif fd in watched:
                    pid = watched.pop(fd)
                    if fd not in late:
                        self._died.setdefault(pid, now)
                    late.discard(fd)
                    poller.unregister(fd)
                    os.close(fd)
            if stopping and not ready:
                break
        for fd in watched:  # still alive at the end (escaped the run's ending): no time
            os.close(fd)

    def finish(self) -> dict[int, float]:
        """Stop watching (every process of the run is gone by now); pid -> died time."""
        self.close()
        return dict(self._died)

    def close(self) -> None:
        if self._stop_w >= 0:
            os.write(self._stop_w, b"x")
            self._thread.join(timeout=5)
            os.close(self._stop_w)
            os.close(self._stop_r)
            self._stop_w = -1
            self._sock.close()


def _wait(proc: subprocess.Popen, timeout: float) -> None:
    """proc.wait(timeout), but woken by the exit itself where Linux allows (pidfd):
    Popen.wait polls with growing sleeps and notices an exit up to ~20 ms late."""
    if hasattr(os, "pidfd_open"):
        try:
            fd = os.pidfd_open(proc.pid)
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                ready, _, _ = select.select([fd], [], [], timeout)
            finally:
                os.close(fd)
            if not ready:
                raise subprocess.TimeoutExpired(proc.args, timeout)
            proc.wait()
            return
    proc.wait(timeout=timeout)


def _drain_pipe(pipe, name: str, t0_ns: int, raw: list) -> None:  # type: ignore[no-untyped-def]
    for line in iter(pipe.readline, b""):
        raw.append(((time.perf_counter_ns() - t0_ns) / 1e9, name, line))
    pipe.close()


# -- the process tree ---------------------------------------------------------------


def run_members(run_id: str) -> list[int]:
    """Live (non-zombie) processes carrying this run's id in their environment (Linux)."""
    needle = f"LABKIT_RUN_ID={run_id}".encode()
    found: list[int] = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def _is_tracker(pid: int) -> bool:
    try:
        return b"multiprocessing.resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _end_tree(proc: subprocess.Popen, run_id: str, grace: float) -> None:
    """Give the run's helpers ``grace`` seconds to leave, then kill whatever remains.

    With no grace (a timeout, Ctrl-C) everything but the resource tracker dies at once;
    the tracker then sees its pipe close and unlinks the run's named semaphores in
    /dev/shm before it leaves, instead of leaking them.
    """
    if grace == 0.0 and Path("/proc").is_dir():
        try:  # freeze the tree first: while we pick, nothing may fork (a fork bomb)
            os.killpg(proc.pid, signal.SIGSTOP)
        except (ProcessLookupError, PermissionError):
            pass
        members = run_members(run_id)
        trackers = {pid for pid in members if _is_tracker(pid)}
        for pid in members:
            try:
                os.kill(pid, signal.SIGCONT if pid in trackers else signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        grace = TRACKER_GRACE_S
    deadline = time.monotonic() + grace
    pause = 0.002  # short first: most helpers are gone within milliseconds
    while time.monotonic() < deadline and (proc.poll() is None or _alive(proc, run_id)):
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
    if os.name == "posix":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in run_members(run_id):  # escaped the group (setsid): still ours
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    else:
        _kill_tree_windows(proc)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _alive(proc: subprocess.Popen, run_id: str) -> bool:
    if Path("/proc").is_dir():
        return bool(run_members(run_id))
    if os.name == "posix":
        try:
            os.killpg(proc.pid, 0)
            return True
        except (ProcessLookupError, PermissionError):
            return False
    return False


def _kill_tree_windows(proc: subprocess.Popen) -> None:
    try:
        import psutil  # host extra; the Windows runners have it

        try:
            root = psutil.Process(proc.pid)
            victims = root.children(recursive=True) + [root]
        except psutil.NoSuchProcess:
            victims = []
        for p in victims:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
    except ImportError:
        subprocess.run(
            ["taskkill", "/T", "/F", "/PID", str(proc.pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )


# -- from events to an Observation ----------------------------------------------------


def _read_events(tracedir: Path) -> tuple[list[dict], list[str]]:
    events: list[dict] = []
    errors: list[str] = []
    for f in sorted(tracedir.glob("*.jsonl")):
        for n, line in enumerate(f.read_bytes().splitlines(), 1):
            try:
                events.append(json.loads(line))
            except ValueError:
                # A process killed mid-write leaves half a line: say so, keep the rest.
                errors.append(f"{f.name}:{n}: unreadable trace line ({len(line)} bytes)")
    events.sort(key=lambda e: e.get("t", 0.0))
    return events, errors


def _raw_line(raw: RawLine) -> OutputLine:
    body = raw.data.rstrip(b"\n").rstrip(b"\r")
    try:
        return OutputLine(t=raw.t, pid=None, stream=raw.stream, text=body.decode("utf-8"))
    except UnicodeDecodeError:
        import base64

        return OutputLine(
            t=raw.t,
            pid=None,
            stream=raw.stream,
            text=body.decode("utf-8", "backslashreplace"),
            b64=base64.b64encode(body).decode("ascii"),
        )


def _platform_default() -> str | None:
    """The default start method of this interpreter (set_start_method() leaves it)."""
    from multiprocessing import context

    return getattr(getattr(context._default_context, "_default_context", None), "_name", None)


def _child_end(
    died: float | None, left: dict | None, noticed: dict | None
) -> tuple[float | None, EndSource | None]:
    """When a child died, from the best evidence there is."""
    noticed_t = noticed["t"] if noticed else None
    if died is not None:
        # Two clocks read by two processes: the parent cannot see it gone before it died.
        return (min(died, noticed_t) if noticed_t is not None else died), EndSource.DIED
    if left is not None:
        return left["t"], EndSource.LEFT
    if noticed_t is not None:
        return noticed_t, EndSource.NOTICED
    return None, None


def _observe(
    script: Path, options: RunOptions, run_id: str, execution: Execution, trace: Trace
) -> Observation:
    by_ev: dict[str, list[dict]] = {}
    for e in trace.events:
        by_ev.setdefault(e["ev"], []).append(e)
    interps = {e["pid"]: e for e in by_ev.get(ev.INTERP, [])}
    main_interp = next((e for e in by_ev.get(ev.INTERP, []) if e["role"] == Role.MAIN), None)
    main_pid = main_interp["pid"] if main_interp else None

    requests = {(e["pid"], e["seq"]): e for e in by_ev.get(ev.START_REQ, [])}
    boots = {e["pid"]: e for e in by_ev.get(ev.BOOT, [])}
    lefts = {e["pid"]: e for e in by_ev.get(ev.LEFT, [])}
    notices: dict[int, dict] = {}
    for e in by_ev.get(ev.NOTICED, []):
        notices.setdefault(e["child"], e)

    processes: list[ProcessRecord] = []
    if main_interp and main_pid is not None:
        processes.append(
            ProcessRecord(
                pid=main_pid,
                ppid=main_interp["ppid"],
                name="MainProcess",
                role=Role.MAIN,
                start_requested_t=0.0,
                started_t=main_interp["t"],
                ended_t=execution.duration_s,
                exitcode=execution.exit_code,
                ended_by=EndSource.RUN_END,
            )
        )
    children = set()
    answered = set()
    for ret in by_ev.get(ev.START_RET, []):
        child = ret["child"]
        children.add(child)
        answered.add((ret["pid"], ret["seq"]))
        req = requests.get((ret["pid"], ret["seq"]), {})
        boot, left, notice = boots.get(child), lefts.get(child), notices.get(child)
        ended, ended_by = _child_end(execution.died.get(child), left, notice)
        processes.append(
            ProcessRecord(
                pid=child,
                ppid=boot["ppid"] if boot else None,
                name=ret["name"],
                role=Role.CHILD,
                daemon=req.get("daemon"),
                parent_pid=ret["pid"],
                method=ret.get("method"),
                start_requested_t=req.get("t"),
                started_t=boot["t"] if boot else None,
                ended_t=ended,
                exitcode=notice["exitcode"] if notice else (left["exitcode"] if left else None),
                noticed_t=notice["t"] if notice else None,
                ended_by=ended_by,
            )
        )
    for pid, e in interps.items():
        if pid == main_pid or pid in children:
            continue
        role = e["role"]
        processes.append(
            ProcessRecord(
                pid=pid,
                ppid=e["ppid"],
                name=role,
                role=Role(role) if role in Role.__members__.values() else Role.INTERPRETER,
                started_t=e["t"],
            )
        )
    # A start() that made no child raised (its traceback is in the script's stderr).
    failed = [
        f"start() of {e.get('name')} in pid {e['pid']} raised before making a process"
        for key, e in requests.items()
        if key not in answered
    ]

    output = [
        OutputLine(
            t=e["t"], pid=e["pid"], stream=e["stream"], text=e["text"], b64=e.get("b64")
        )
        for e in by_ev.get(ev.OUT, [])
    ]
    output += [_raw_line(r) for r in execution.raw_lines]
    output.sort(key=lambda o: o.t)

    # A script that never imported multiprocessing reports no methods: this platform's.
    methods = (by_ev.get(ev.METHODS) or [{"default": _platform_default()}])[0]
    used = (by_ev.get(ev.MAIN_EXIT) or [{}])[0].get("method")
    child_methods = sorted({p.method for p in processes if p.role == Role.CHILD and p.method})
    run_default = methods.get("default") if options.method == "default" else options.method
    start_method = used or (child_methods[0] if len(child_methods) == 1 else None)
    if start_method is None:
        start_method = run_default
    chosen = any(m != run_default for m in child_methods) or (
        used is not None and used != run_default
    )
    pyinfo = {
        "version": main_interp["version"] if main_interp else platform.python_version(),
        "implementation": main_interp["implementation"]
        if main_interp
        else sys.implementation.name,
        "executable": main_interp["executable"] if main_interp else sys.executable,
    }
    return Observation(
        lab=options.lab or str(script),
        variant=options.variant,
        script=str(script),
        start_method=start_method,
        requested_start_method=options.method,
        default_start_method=methods.get("default"),
        available_start_methods=tuple(methods.get("available", available_methods())),
        python=pyinfo,
        platform=where(),
        exit_code=execution.exit_code,
        timed_out=execution.timed_out,
        duration_s=execution.duration_s,
        output=tuple(output),
        processes=tuple(processes),
        kit_version=__version__,
        run_id=run_id,
        repeat=options.repeat,
        started_at=execution.started_at,
        tracer_errors=trace.errors + tuple(failed),
        effective_start_methods=tuple(child_methods),
        method_chosen_by_script=chosen,
    )


def where() -> dict[str, str | None]:
    """Where this run happened: OS, release, architecture, container image, CI job."""
    ci = None
    if os.environ.get("GITHUB_ACTIONS") == "true":
        ci = "/".join(
            os.environ.get(k, "?") for k in ("GITHUB_WORKFLOW", "GITHUB_JOB", "GITHUB_RUN_ID")
        )
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "image": os.environ.get("LABKIT_IMAGE") or None,
        "ci_job": ci,
        "runner": os.environ.get("RUNNER_NAME") or None,
    }
