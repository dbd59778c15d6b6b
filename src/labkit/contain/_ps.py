"""Snapshots through psutil, for the places without /proc (macOS, Windows, other POSIX).

``psutil`` is passed in (a seam: tests hand in a fake module); it is imported lazily
by the caller, so the in-container core never needs it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from labkit.contain import ProcInfo


def load_psutil() -> Any:
    import psutil  # host-side dependency; the places that need it have it

    return psutil


def os_groups(pid: int) -> tuple[int, int]:
    """(process group, session) of a pid, from the kernel (POSIX)."""
    return os.getpgid(pid), os.getsid(pid)


def snapshot(
    psutil: Any, since: float | None, groups: Callable[[int], tuple[int, int]] | None
) -> tuple[list[ProcInfo], dict]:
    """Every process psutil can see, and its psutil handle by (pid, create time).

    AccessDenied (another user's process, a protected one) hides a detail, never the
    process; NoSuchProcess means it left while we looked.
    """
    out: list[ProcInfo] = []
    handles: dict[tuple[int, float], Any] = {}
    for proc in psutil.process_iter():
        try:
            pid = proc.pid
            started = proc.create_time()
            ppid = proc.ppid()
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        except psutil.AccessDenied:
            continue
        zombie = False
        name = ""
        try:
            name = proc.name()
            zombie = proc.status() == psutil.STATUS_ZOMBIE
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            pass
        pgid = sid = None
        if groups is not None:
            try:
                pgid, sid = groups(pid)
            except (OSError, AttributeError):
                pass
        run_id = None
        tracker = False
        if not zombie and (since is None or started >= since):
            try:
                run_id = proc.environ().get("LABKIT_RUN_ID")
            except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess, OSError):
                pass
            try:
                tracker = "multiprocessing.resource_tracker" in " ".join(proc.cmdline())
            except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess, OSError):
                pass
        info = ProcInfo(pid, ppid, started, pgid, sid, zombie, run_id, tracker, name)
        out.append(info)
        handles[info.key] = proc
    return out, handles


def started(psutil: Any, pid: int) -> float | None:
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, ValueError):
        return None  # ValueError: no such pid can exist (a negative one)


def call(psutil: Any, handles: dict, p: ProcInfo, method: str) -> None:
    """``handle.<method>()`` on the process with p's identity, never on a reused pid."""
    proc = handles.get(p.key)
    if proc is None:
        return
    try:
        getattr(proc, method)()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        pass
