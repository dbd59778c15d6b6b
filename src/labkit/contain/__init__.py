"""Containment: find and end every process of a run, whatever the script did.

A run's processes are found without the script's cooperation: its descendants by
parent links (on Linux the kit is a child subreaper, so orphans, ``setsid`` and
double-forked processes re-parent to the kit and stay linked), its process group and
session, and the ``LABKIT_RUN_ID`` it inherits. Ending a run sweeps until a pass finds
nothing: freeze what was seen (SIGSTOP), kill it and its process groups, reap the
orphans that re-parented to the kit, look again. What the kit could not end is named.

One module per place, chosen from ``PLACES`` (``linux``, ``macos``, ``windows``,
``posix``); each supplies a ``ProcessApi`` that the one sweep below drives. Tests fake
that API (and a fake kernel32 on Windows) to check the logic of every place here.
Stdlib-only; psutil and ctypes are imported lazily where a place needs them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

TRACKER_GRACE_S = 1.0  # after a kill, how long the resource tracker gets to clean up
SWEEP_LIMIT_S = 5.0  # how long a final sweep chases a run before naming survivors
QUIET_PASSES = 2  # passes in a row that must find nothing before a sweep stops
KILLED_BY_KIT = -9  # exit code recorded for a main the kit killed (as SIGKILL on POSIX)


@dataclass(frozen=True)
class ProcInfo:
    """One process as one snapshot saw it; (pid, started) is its identity."""

    pid: int
    ppid: int
    started: float  # start time in the place's own unit: with pid, names one process
    pgid: int | None = None
    sid: int | None = None
    zombie: bool = False
    run_id: str | None = None  # LABKIT_RUN_ID in its environment, where readable
    tracker: bool = False  # multiprocessing's resource tracker
    name: str = ""

    @property
    def key(self) -> tuple[int, float]:
        return (self.pid, self.started)

    def describe(self) -> str:
        return f"pid {self.pid} ({self.name or '?'})"


class ProcessApi(Protocol):
    """What a place offers the sweep; every call tolerates a process already gone."""

    self_pid: int
    can_freeze: bool
    can_list: bool  # False: the snapshot is empty (no /proc, no psutil): groups only

    def snapshot(self, since: float | None, run_id: str) -> list[ProcInfo]:
        """Every process (environment read only for those started at or after ``since``)."""
        ...

    def started(self, pid: int) -> float | None:
        """When this pid's process started (None: gone), in the snapshot's unit."""
        ...

    def freeze(self, p: ProcInfo) -> None: ...

    def thaw(self, p: ProcInfo) -> None: ...

    def kill(self, p: ProcInfo) -> None: ...

    def kill_group(self, pgid: int) -> None: ...

    def freeze_group(self, pgid: int) -> None: ...

    def end_job(self) -> None:
        """End at once every process the place holds for the run (Windows Job object)."""
        ...

    def reap(self, p: ProcInfo) -> None:
        """Collect the exit status of an orphan that re-parented to the kit (no zombie)."""
        ...


class PosixGroups:
    """What Linux and macOS do alike: signal process groups, reap orphans; no job object.
    ``killpg`` is a seam (the macOS tests pass a fake)."""

    killpg: Callable[[int, int], None] = staticmethod(os.killpg)

    def kill_group(self, pgid: int) -> None:
        self._group_signal(pgid, signal.SIGKILL)

    def freeze_group(self, pgid: int) -> None:
        self._group_signal(pgid, signal.SIGSTOP)

    def _group_signal(self, pgid: int, sig: int) -> None:
        try:
            self.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def end_job(self) -> None:
        pass

    def reap(self, p: ProcInfo) -> None:
        try:
            os.waitpid(p.pid, os.WNOHANG)
        except ChildProcessError:
            pass


@dataclass(frozen=True)
class Ending:
    """How ending a run went: passes made, processes killed, who survived."""

    passes: int = 0
    killed: int = 0
    survivors: tuple[str, ...] = ()
    killed_main: bool = False


# Runs whose trees are open in this process: orphans with no run id are attributed to a
# run only when it is the one open, so concurrent runs never take each other's processes.
_open: dict[str, int] = {}
_open_lock = threading.Lock()
_survivors: list[str] = []  # every survivor named so far in this process
# Orphans the kit inherited while several runs were open, with no run id to tell whose:
# by identity, so the run that ends alone takes them, however old they are.
_strays: dict[tuple[int, float], ProcInfo] = {}


_opened: list[str] = []  # run ids whose trees were opened in this process


def reserve(run_id: str) -> None:
    """Count a run as open from before its main is started: a process in the instant
    between fork and exec still has the kit's environment, so while any run is starting
    no orphan without a run id may be claimed by another."""
    with _open_lock:
        _open.setdefault(run_id, 0)


def release(run_id: str) -> None:
    """A reserved run that never got its tree (its start failed)."""
    with _open_lock:
        if _open.get(run_id) == 0:
            del _open[run_id]


def survivors_so_far() -> tuple[str, ...]:
    return tuple(_survivors)


def runs_opened() -> int:
    return len(_opened)


@dataclass
class RunTree:
    """The processes of one run: discovery and ending, over one place's ProcessApi."""

    api: ProcessApi
    root_pid: int
    run_id: str
    root_started: float | None = None
    seen: dict[tuple[int, float], ProcInfo] = field(default_factory=dict)
    last_snapshot: list[ProcInfo] = field(default_factory=list)

    def __post_init__(self) -> None:
        with _open_lock:
            _open[self.run_id] = self.root_pid
            _opened.append(self.run_id)
        if self.root_started is None:
            self.root_started = self.api.started(self.root_pid)

    def close(self) -> None:
        with _open_lock:
            _open.pop(self.run_id, None)
            last = not _open and bool(_strays) and self.root_pid > 0
        if last:  # runs that ended side by side left orphans no one could claim
            end_run_id("", self.api)
        release = getattr(self.api, "close", None)
        if release is not None:
            release()  # a Windows Job object: closing it kills whatever is left in it

    # -- discovery --------------------------------------------------------------------

    def members(self, snap: Iterable[ProcInfo] | None = None) -> list[ProcInfo]:
        """The run's processes in a snapshot, zombies included (they still name groups)."""
        if snap is None:
            snap = self.api.snapshot(self.root_started, self.run_id)
        procs = [p for p in snap if p.pid != self.api.self_pid]
        self.last_snapshot = procs
        with _open_lock:
            roots = dict(_open)
        alone = len(roots) <= 1
        other_roots = {pid for rid, pid in roots.items() if rid != self.run_id}
        children: dict[int, list[ProcInfo]] = {}
        for p in procs:
            children.setdefault(p.ppid, []).append(p)

        def young(p: ProcInfo) -> bool:  # a member cannot predate the run's main
            return self.root_started is None or p.started >= self.root_started

        # The main's pid, group and session name the run only while that pid is not
        # another process now (once reused, the old group and session are empty).
        now = next((p for p in procs if p.pid == self.root_pid), None)
        reused = (now is not None and self.root_started is not None
                  and now.started != self.root_started)

        # Parents seen in earlier passes: where orphans keep a dead parent's pid (Windows),
        # the link still holds, if the child is younger than that parent (no reused pid).
        known = {pid: started for pid, started in self.seen}

        def child_of_known(p: ProcInfo) -> bool:
            return p.ppid in known and p.started >= known[p.ppid]

        mine: dict[int, ProcInfo] = {}
        for p in procs:
            if p.pid in other_roots:
                continue
            if p.pid == self.root_pid and not reused:
                mine[p.pid] = p
            elif p.run_id == self.run_id:
                mine[p.pid] = p
            elif young(p) and not reused and self.root_pid in (p.pgid, p.sid):
                mine[p.pid] = p  # the run's own group and session (start_new_session)
            elif alone and p.key in _strays and not p.zombie:
                mine[p.pid] = p  # left unclaimed by runs that ended side by side with others
        while True:
            groups = {p.pgid for p in mine.values() if p.pgid}
            sessions = {p.sid for p in mine.values() if p.sid}
            before = len(mine)
            for p in procs:
                if p.pid in mine or p.pid in other_roots or not young(p):
                    continue
                if p.run_id not in (None, self.run_id):
                    continue  # another run's process
                adopted = p.ppid == self.api.self_pid  # an orphan the kit inherited
                if p.ppid in mine or p.pgid in groups or p.sid in sessions or child_of_known(p):
                    mine[p.pid] = p
                elif adopted and (p.run_id == self.run_id or alone):
                    mine[p.pid] = p
            for p in list(mine.values()):
                stack = [p]
                while stack:
                    for c in children.get(stack.pop().pid, ()):
                        if c.pid not in mine and c.pid not in other_roots:
                            mine[c.pid] = c
                            stack.append(c)
            if len(mine) == before:
                break
        for p in mine.values():
            self.seen.setdefault(p.key, p)
        if not alone:  # remember what no run could claim, for the run that ends alone
            own_session = _own_session()
            with _open_lock:
                for p in procs:
                    if (p.ppid == self.api.self_pid and p.pid not in mine and not p.zombie
                            and p.pid not in roots.values() and young(p)
                            and p.sid not in (own_session, None) and p.run_id is None):
                        _strays[p.key] = p
        return list(mine.values())

    def alive(self) -> list[ProcInfo]:
        return [p for p in self.members() if not p.zombie]

    # -- ending -----------------------------------------------------------------------

    def freeze_and_kill(self) -> int:
        """Freeze the whole tree, kill all but the resource tracker, let the tracker run.

        The tracker then sees its pipe close and unlinks the run's named semaphores
        before it leaves, instead of leaking them until reboot.
        """
        live = self.alive()
        if self.api.can_freeze:
            for g in _groups(live):
                self.api.freeze_group(g)  # a whole group in one call: no fork slips out
            for p in live:
                self.api.freeze(p)
            live = self.alive()  # anything born before the freeze landed
            for p in live:
                self.api.freeze(p)
        trackers = [p for p in live if p.tracker]
        for p in live:
            if not p.tracker:
                self.api.kill(p)
        for p in trackers:
            self.api.thaw(p)
        self.api.end_job()
        return len(live) - len(trackers)

    def sweep(self, limit_s: float = SWEEP_LIMIT_S, quiet: int = 0) -> Ending:
        """Freeze, kill and reap until ``QUIET_PASSES`` passes in a row find nothing
        (``quiet``: how many looks just before found nothing already)."""
        deadline = time.monotonic() + limit_s
        passes = killed = 0
        last: list[ProcInfo] = []
        own_group = _own_group()
        self.api.end_job()
        if not self.api.can_list and self.root_pid > 0 and self.root_pid != own_group:
            self.api.kill_group(self.root_pid)  # nothing can be listed: the run's group
        while quiet < QUIET_PASSES:
            passes += 1
            found = self.members()
            live = [p for p in found if not p.zombie]
            for p in live:
                if self.api.can_freeze:
                    self.api.freeze(p)
            for g in _groups(found):
                self.api.kill_group(g)  # atomic for a group: a forker in it cannot slip out
            for p in live:
                self.api.kill(p)
            # Zombies the kit inherited are reaped here; others only name their groups.
            orphans = [p for p in found if p.ppid == self.api.self_pid and p.pid != self.root_pid]
            for p in orphans:
                self.api.reap(p)
            killed += len(live)
            pending = live or [p for p in orphans if p.zombie]
            quiet = quiet + 1 if not pending else 0
            last = live
            if time.monotonic() > deadline:
                last = self.alive()
                break
        survivors = tuple(p.describe() for p in last) if quiet < QUIET_PASSES else ()
        _survivors.extend(survivors)
        self._reap_strays()
        live_keys = {p.key for p in self.last_snapshot if not p.zombie}
        with _open_lock:  # strays that are no more: forget them
            for key in [k for k in _strays if k not in live_keys]:
                del _strays[key]
        return Ending(passes=passes, killed=killed, survivors=survivors)

    def _reap_strays(self) -> None:
        """Reap zombies the kit inherited that no run claimed (with runs side by side, an
        orphan with no run id is left to whoever ends last): any child of the kit in
        another session than the kit's is a run's, since every run starts its own. A
        session leader is left alone: it may be a run's main that Popen has yet to wait
        for (a stolen exit status would read as 0)."""
        with _open_lock:
            roots = set(_open.values())
        own_session = _own_session()
        for p in self.last_snapshot:
            if (p.zombie and p.ppid == self.api.self_pid and p.pid not in roots
                    and p.pid != self.root_pid and p.sid not in (own_session, None, p.pid)):
                self.api.reap(p)

    def end(self, grace: float) -> Ending:
        """Give the run's helpers ``grace`` seconds to leave, then sweep what remains.

        With no grace (a timeout, an interrupt) everything but the resource tracker
        dies at once and the tracker gets ``TRACKER_GRACE_S`` to clean up.
        """
        killed_main = False
        if grace == 0.0:
            killed_main = any(p.pid == self.root_pid for p in self.alive())
            self.freeze_and_kill()
            grace = TRACKER_GRACE_S
        deadline = time.monotonic() + grace
        pause = 0.002  # short first: most helpers are gone within milliseconds
        while (live := self.alive()) and time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        ending = self.sweep(quiet=0 if live else 1)  # an empty look counts as a pass
        return Ending(ending.passes, ending.killed, ending.survivors, killed_main)


def _groups(procs: Iterable[ProcInfo]) -> list[int]:
    """The process groups of these processes, never the kit's own (nor 0 or init's)."""
    return sorted({p.pgid for p in procs if p.pgid} - {_own_group(), 0, 1})


def _own_session() -> int | None:
    try:
        return os.getsid(0)
    except (AttributeError, OSError):
        return None


def _own_group() -> int:
    try:
        return os.getpgrp()
    except (AttributeError, OSError):
        return 0


# -- places -----------------------------------------------------------------------------


def place_of(platform: str | None = None, os_name: str | None = None) -> str:
    """The containment a platform gets: linux, macos, windows or (other POSIX) posix."""
    platform = sys.platform if platform is None else platform
    os_name = os.name if os_name is None else os_name
    if os_name == "nt" or platform == "win32":
        return "windows"
    if platform.startswith("linux"):
        return "linux" if os.path.isdir("/proc") else "posix"
    if platform == "darwin":
        return "macos"
    return "posix"


def _linux() -> ProcessApi:
    from labkit.contain import linux

    return linux.LinuxApi()


def _macos() -> ProcessApi:
    from labkit.contain import macos

    return macos.MacApi()


def _windows() -> ProcessApi:
    from labkit.contain import windows

    return windows.WindowsApi()


def _posix() -> ProcessApi:
    from labkit.contain import posix

    return posix.PosixApi()


PLACES: dict[str, Callable[[], ProcessApi]] = {
    "linux": _linux,
    "macos": _macos,
    "windows": _windows,
    "posix": _posix,
}


def api_for(place: str | None = None) -> ProcessApi:
    return PLACES[place or place_of()]()


def prepare(place: str | None = None) -> None:
    """Once per kit process, before any run: make orphans of runs come back to the kit."""
    if (place or place_of()) == "linux":
        from labkit.contain import linux

        linux.become_subreaper()


def open_tree(proc, run_id: str, api: ProcessApi | None = None) -> RunTree:  # type: ignore[no-untyped-def]
    """The tree of a run just started as ``proc`` (a Popen): adopted at once where the
    place needs it (a Windows Job object), then tracked until ``close()``."""
    api = api or api_for()
    adopt = getattr(api, "adopt", None)
    if adopt is not None:
        adopt(proc)
    return RunTree(api=api, root_pid=proc.pid, run_id=run_id)


def end_run_id(run_id: str, api: ProcessApi | None = None) -> Ending:
    """End every process carrying this run id, when the run's main is not known (an
    interrupt landed while it was being started): its environment names it."""
    tree = RunTree(api=api or api_for(), root_pid=-1, run_id=run_id)
    try:
        return tree.sweep(limit_s=1.0)
    finally:
        tree.close()
