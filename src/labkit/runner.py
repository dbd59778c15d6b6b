"""The runner: one script, one start method, one subprocess, one Observation.

It forces the start method from outside (the tracer's ``sitecustomize`` on
PYTHONPATH), gives the run its own temp working directory, drains the pipes on
threads (no deadlock on large output), ends the whole process tree at the timeout,
and sweeps anything of the run still alive when the main process is gone.
Stdlib-only: it also runs inside bare containers.
"""

from __future__ import annotations

import dataclasses
import datetime
import multiprocessing
import os
import platform
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from labkit import __version__, contain, drain, trace_read
from labkit.errors import MethodUnavailable, UsageError
from labkit.observation import Observation, OutputLine, ProcessRecord

BOOT_DIR = Path(__file__).resolve().parent / "_boot"
METHODS = ("fork", "spawn", "forkserver")
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
            f"unknown start method {method!r}: choose from {', '.join(METHODS)}, default or all"
        )
    if method not in available_methods():
        raise MethodUnavailable(
            f"start method {method!r} is not available on {sys.platform} "
            f"(available: {', '.join(available_methods())})"
        )


def check_script(path: Path) -> Path:
    if not path.exists():
        raise UsageError(f"no such script: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a directory, not a Python script")
    return path.resolve()


@dataclass(frozen=True)
class RunOptions:
    method: str = "default"
    timeout: float = 60.0
    lab: str = ""
    variant: str = "base"
    repeat: int = 0
    cwd: str | None = None  # the script's working folder; None: a fresh temp folder


def run(script: Path, options: RunOptions) -> Observation:
    """Run ``script`` once; always returns an Observation, whatever the script did."""
    script = check_script(script)
    check_method(options.method)
    run_id = uuid.uuid4().hex[:12]
    own_workdir = options.cwd is None  # a folder the caller gave is never removed
    workdir: Path | None = None if own_workdir else Path(options.cwd)  # type: ignore[arg-type]
    tracedir: Path | None = None
    _compile_boot()
    contain.prepare()
    try:
        if own_workdir:
            workdir = Path(tempfile.mkdtemp(prefix=f"labkit-{run_id}-cwd-"))
        tracedir = Path(tempfile.mkdtemp(prefix=f"labkit-{run_id}-trace-", dir=_fast_tmp()))
        raw, exit_code, timed_out, t_end, t0_ns, started_at, ending = _execute(
            script, options, run_id, workdir, tracedir
        )
        trace = trace_read.read_events(tracedir)
        obs = _observe(
            script, options, run_id, raw, trace.events, trace.errors, exit_code, timed_out,
            t_end, started_at,
        )
        return dataclasses.replace(obs, survivors=ending.survivors)
    finally:
        for folder in (workdir if own_workdir else None, tracedir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


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


def _env(options: RunOptions, run_id: str, tracedir: Path, t0_ns: int) -> dict[str, str]:
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
    return env


def _execute(script, options, run_id, workdir, tracedir):  # type: ignore[no-untyped-def]
    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    t0_ns = time.perf_counter_ns()
    env = _env(options, run_id, tracedir, t0_ns)
    kwargs: dict = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # one process group for the whole tree
    else:
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
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
    raw: list[tuple[float, str, bytes]] = []
    readers = [
        drain.PipeReader(pipe, name, t0_ns, raw).start()
        for pipe, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr"))
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
    return raw, exit_code, timed_out, t_end, t0_ns, started_at, ending


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


# -- from events to an Observation ----------------------------------------------------


def _raw_line(t: float, stream: str, line: bytes) -> OutputLine:
    body = line.rstrip(b"\n").rstrip(b"\r")
    try:
        return OutputLine(t=t, pid=None, stream=stream, text=body.decode("utf-8"))
    except UnicodeDecodeError:
        import base64

        return OutputLine(
            t=t,
            pid=None,
            stream=stream,
            text=body.decode("utf-8", "backslashreplace"),
            b64=base64.b64encode(body).decode("ascii"),
        )


def _observe(script, options, run_id, raw, events, errors, exit_code, timed_out, t_end,
             started_at) -> Observation:  # type: ignore[no-untyped-def]
    by_ev: dict[str, list[dict]] = {}
    for e in events:
        by_ev.setdefault(e["ev"], []).append(e)
    main_interp = next((e for e in by_ev.get("interp", []) if e["role"] == "main"), None)
    main_pid = main_interp["pid"] if main_interp else None

    requests = {(e["pid"], e["seq"]): e for e in by_ev.get("start_req", [])}
    # Keyed by (pid, when it came up): a pid reused within the run is two processes.
    boots = trace_read.ByProcess(by_ev.get("boot", []))
    lefts = trace_read.ByProcess(by_ev.get("left", []))

    processes: list[ProcessRecord] = []
    if main_interp and main_pid is not None:
        processes.append(
            ProcessRecord(
                pid=main_pid,
                ppid=main_interp["ppid"],
                name="MainProcess",
                role="main",
                start_requested_t=0.0,
                started_t=main_interp["t"],
                ended_t=t_end,
                exitcode=exit_code,
            )
        )
    children = {(main_pid, main_interp.get("born"))} if main_interp else set()
    for ret in by_ev.get("start_ret", []):
        child = ret["child"]
        req = requests.get((ret["pid"], ret["seq"]), {})
        boot = boots.first(child, born_after=req.get("t"))
        born = boot.get("born") if boot else None
        children.add((child, born))
        left = lefts.of(child, born) if boot else lefts.first(child)
        reap = trace_read.first_about(by_ev.get("reaped", []), child,
                                      boot["t"] if boot else req.get("t"))
        ended = left["t"] if left else (reap["t"] if reap else None)
        processes.append(
            ProcessRecord(
                pid=child,
                ppid=boot["ppid"] if boot else None,
                name=ret["name"],
                role="child",
                daemon=req.get("daemon"),
                parent_pid=ret["pid"],
                method=ret.get("method"),
                start_requested_t=req.get("t"),
                started_t=boot["t"] if boot else None,
                ended_t=ended,
                exitcode=reap["exitcode"] if reap else (left["exitcode"] if left else None),
            )
        )
    for e in by_ev.get("interp", []):
        if (e["pid"], e.get("born")) in children:
            continue
        processes.append(
            ProcessRecord(
                pid=e["pid"],
                ppid=e["ppid"],
                name=e["role"],
                role=e["role"] if e["role"] != "spawned" else "interpreter",
                started_t=e["t"],
            )
        )
    failed = [
        f"start() failed in pid {e['pid']}: {e['error']}" for e in by_ev.get("start_fail", [])
    ]

    output = [
        OutputLine(
            t=e["t"], pid=e["pid"], stream=e["stream"], text=e["text"], b64=e.get("b64")
        )
        for e in by_ev.get("out", [])
    ]
    output += [_raw_line(t, s, b) for t, s, b in raw]
    output.sort(key=lambda o: o.t)

    methods = (by_ev.get("methods") or [{}])[0]
    used = (by_ev.get("main_exit") or [{}])[0].get("method")
    child_methods = {p.method for p in processes if p.role == "child" and p.method}
    start_method = used or (child_methods.pop() if len(child_methods) == 1 else None)
    if start_method is None and options.method == "default":
        start_method = methods.get("default")
    elif start_method is None:
        start_method = options.method
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
        exit_code=exit_code,
        timed_out=timed_out,
        duration_s=t_end,
        output=tuple(output),
        processes=tuple(processes),
        kit_version=__version__,
        run_id=run_id,
        repeat=options.repeat,
        started_at=started_at,
        tracer_errors=tuple(errors + failed),
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
