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
import multiprocessing
import os
import platform
import re
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from labkit import __version__, contain, drain, i18n, trace_read
from labkit._boot import _labkit_events as ev
from labkit.errors import MethodUnavailable, UsageError
from labkit.observation import EndSource, Observation, OutputLine, ProcessRecord, Role, Stream

BOOT_DIR = Path(__file__).resolve().parent / "_boot"
METHODS = ("fork", "spawn", "forkserver")
SHM = "/dev/shm"  # where Linux keeps named semaphores (sem.<name>)
GRACE_S = 2.0  # after the main process ends, how long helpers get to leave by themselves

# Runs in progress, so that an interrupt in the thread that waits on a batch can end them.
_active: dict[str, tuple[subprocess.Popen, contain.RunTree]] = {}
_active_lock = threading.Lock()


def abort_all() -> tuple[str, ...]:
    """End every run in progress in this process, whole trees, at once; the survivors."""
    with _active_lock:
        running = list(_active.values())
    survivors: tuple[str, ...] = ()
    for proc, tree in running:
        survivors += _end(proc, tree, grace=0.0).survivors
    return survivors


def _end(proc: subprocess.Popen, tree: contain.RunTree, grace: float) -> contain.Ending:
    """End the run's whole tree (see contain.RunTree.end), then collect the main."""
    ending = tree.end(grace)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    return ending


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
    survivors: tuple[str, ...] = ()  # processes of the run the kit could not end


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
    run_id = os.urandom(6).hex()  # 12 random hex digits, as uuid4().hex[:12] gave
    own_cwd = options.cwd is None
    workdir: Path | None = None if own_cwd else Path(options.cwd).resolve()  # type: ignore[arg-type]
    tracedir: Path | None = None
    _compile_boot()
    contain.prepare()
    began = time.time()
    try:  # folders made inside: an interrupt between two steps cannot leave one behind
        if workdir is None:
            workdir = Path(tempfile.mkdtemp(prefix=f"labkit-{run_id}-cwd-"))
        tracedir = Path(tempfile.mkdtemp(prefix=f"labkit-{run_id}-trace-", dir=_fast_tmp()))
        execution = _execute(script, options, run_id, workdir, tracedir)
        read = trace_read.read_events(tracedir)
        return _observe(script, options, run_id, execution,
                        Trace(tuple(read.events), tuple(read.errors)))
    finally:
        try:
            unlink_semaphores(run_id, since=began)
        finally:  # the folders go whatever the unlinking met
            for folder in (workdir if own_cwd else None, tracedir):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)


def _fast_tmp() -> str | None:
    """/dev/shm where it is writable: creating a trace file there costs ~10× less."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


_boot_compiled = False


def _compile_boot() -> None:
    """Byte-compile the tracer once, so no interpreter of a run recompiles it; when every
    cached copy is already current (the usual case) compileall is not even imported."""
    global _boot_compiled
    if not _boot_compiled:
        _boot_compiled = True
        if _boot_is_compiled():
            return
        try:
            import compileall

            compileall.compile_dir(str(BOOT_DIR), quiet=2)
        except OSError:
            pass  # a read-only install: the interpreters compile it in memory


def _boot_is_compiled() -> bool:
    """True if each module of the tracer has the cached bytecode an import would accept:
    this interpreter's magic number, and the source's mtime and size in the header
    (what importlib checks for a timestamp-based .pyc)."""
    from importlib.util import MAGIC_NUMBER, cache_from_source

    try:
        for source in BOOT_DIR.glob("*.py"):
            st = source.stat()
            with open(cache_from_source(str(source)), "rb") as f:
                head = f.read(16)
            if (len(head) < 16 or head[:4] != MAGIC_NUMBER
                    or int.from_bytes(head[4:8], "little") != 0  # flags: 0 = by timestamp
                    or int.from_bytes(head[8:12], "little") != int(st.st_mtime) & 0xFFFFFFFF
                    or int.from_bytes(head[12:16], "little") != st.st_size & 0xFFFFFFFF):
                return False
    except (OSError, NotImplementedError):  # no cached copy; sys.implementation has no tag
        return False
    return True


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
    if os.path.isdir(SHM):
        env["LABKIT_SEM_PREFIX"] = sem_prefix(run_id)
    return env


def sem_prefix(run_id: str) -> str:
    """The run's prefix for multiprocessing's semaphore names (``/mp`` by hand). With
    the 8 characters multiprocessing adds it stays under macOS's 31."""
    return f"/mp-lk{run_id}"


def unlink_semaphores(run_id: str, since: float | None = None) -> int:
    """Unlink the named semaphores the run left (Linux keeps them in /dev/shm until
    reboot): those of a run killed before its resource tracker could, or before it
    even heard of them. The run is over, so no process of it still needs the names.
    With ``since`` (the run's start), also what a process killed inside sem_open() left."""
    gone = 0
    for path in Path(SHM).glob(f"sem.{sem_prefix(run_id)[1:]}-*"):
        try:
            path.unlink()
            gone += 1
        except OSError:
            pass
    if since is not None:
        gone += unlink_half_made(since)
    return gone


# glibc's sem_open() writes a new semaphore under a temporary name (sem.XXXXXX), links
# it to the real one, then unlinks the temporary: a kill in between leaves it behind.
HALF_MADE = re.compile(r"sem\.[A-Za-z0-9]{6}")


def unlink_half_made(since: float) -> int:
    """Unlink glibc's temporary semaphore files made since ``since`` that no process
    holds open or mapped: a creator still inside sem_open() holds its file, so only
    what a killed one left goes (seen: one in ten suite runs, from runs killed by
    their watchdog)."""
    uid = os.getuid()
    found = []
    for path in Path(SHM).glob("sem.??????"):
        if not HALF_MADE.fullmatch(path.name):
            continue
        try:
            st = path.lstat()
        except OSError:
            continue
        # tmpfs stamps with the coarse clock, a tick behind time.time()
        if (stat.S_ISREG(st.st_mode) and st.st_uid == uid and st.st_nlink == 1
                and st.st_mtime >= since - 0.05):
            found.append(path)
    if not found:
        return 0
    from labkit.contain import linux

    held = linux.files_held_under(SHM)
    gone = 0
    for path in found:
        if str(path) not in held:
            try:
                path.unlink()
                gone += 1
            except OSError:
                pass
    return gone


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
    tree = None
    contain.reserve(run_id)
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
        tree = contain.open_tree(proc, run_id)
        with _active_lock:
            _active[run_id] = (proc, tree)
    except BaseException:
        contain.end_run_id(run_id)  # an interrupt while starting: the main may exist
        if tree is not None:
            tree.close()
        contain.release(run_id)
        if watch is not None:
            watch.close()
        raise
    raw: list[tuple[float, str, bytes]] = []
    readers = [
        drain.PipeReader(pipe, name, t0_ns, raw).start()
        for pipe, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr"))
        if pipe is not None  # always set (PIPE): for the type checker
    ]
    timed_out = False
    try:
        try:
            _wait(proc, options.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        t_end = (time.perf_counter_ns() - t0_ns) / 1e9
        ending = _end(proc, tree, grace=0.0 if timed_out else GRACE_S)
    except BaseException:
        _end(proc, tree, grace=0.0)
        if watch is not None:
            watch.close()
        raise
    finally:
        with _active_lock:
            _active.pop(run_id, None)
        tree.close()
        for r in readers:  # the tree is over: a survivor holding a pipe cannot hold us
            r.finish()
    exit_code = proc.returncode
    if ending.killed_main and os.name == "nt":
        exit_code = contain.KILLED_BY_KIT  # not TerminateProcess' code, which reads like 15
    return Execution(
        raw_lines=tuple(RawLine(t, Stream(name), data) for t, name, data in raw),
        exit_code=exit_code,
        timed_out=timed_out,
        duration_s=t_end,
        started_at=started_at,
        died=watch.finish() if watch else {},
        survivors=ending.survivors,
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

        from labkit.contain import linux

        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self._sock, 16, 4)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            pid = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
            for fd in fds:
                # The socket is in the script's reach: only a pidfd of the pid it names
                # counts, and only so many, so nothing sent there can fake a death time
                # or fill the kit's descriptor table.
                if pid < 0 or len(watched) >= self._cap or linux.pidfd_pid(fd) != pid:
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


def run_members(run_id: str) -> list[int]:
    """Live processes carrying this run's id in their environment (where /proc exists)."""
    from labkit.contain import linux

    return linux.pids_with_run_id(run_id)


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
    main_interp = next((e for e in by_ev.get(ev.INTERP, []) if e["role"] == Role.MAIN), None)
    main_pid = main_interp["pid"] if main_interp else None

    requests = {(e["pid"], e["seq"]): e for e in by_ev.get(ev.START_REQ, [])}
    # Keyed by (pid, when it came up): a pid reused within the run is two processes.
    boots = trace_read.ByProcess(by_ev.get(ev.BOOT, []))
    lefts = trace_read.ByProcess(by_ev.get(ev.LEFT, []))

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
    children = {(main_pid, main_interp.get("born"))} if main_interp else set()
    answered = set()
    for ret in by_ev.get(ev.START_RET, []):
        child = ret["child"]
        answered.add((ret["pid"], ret["seq"]))
        req = requests.get((ret["pid"], ret["seq"]), {})
        boot = boots.first(child, born_after=req.get("t"))
        born = boot.get("born") if boot else None
        children.add((child, born))
        left = lefts.of(child, born) if boot else lefts.first(child)
        notice = trace_read.first_about(by_ev.get(ev.NOTICED, []), child,
                                        boot["t"] if boot else req.get("t"))
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
    for e in by_ev.get(ev.INTERP, []):
        if (e["pid"], e.get("born")) in children:
            continue
        role = e["role"]
        processes.append(
            ProcessRecord(
                pid=e["pid"],
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
        survivors=execution.survivors,
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
