"""macOS: no /proc and no subreaper, so psutil finds the run by its descendants, its
process group and session, and its environment; signals end it as on Linux, the
resource tracker spared on a timeout so it unlinks the run's named semaphores."""

from __future__ import annotations

import os
import signal
from typing import Any

from labkit.contain import ProcInfo, _ps


class MacApi:
    """A ProcessApi over psutil; ``psutil`` is a seam for tests."""

    can_freeze = True

    def __init__(self, psutil: Any = None) -> None:
        self.psutil = psutil or _ps.load_psutil()
        self.self_pid = os.getpid()
        self._handles: dict = {}

    def snapshot(self, since: float | None, run_id: str) -> list[ProcInfo]:
        procs, self._handles = _ps.snapshot(self.psutil, since, groups=True)
        return procs

    def _signal(self, p: ProcInfo, method: str) -> None:
        _ps.call(self.psutil, self._handles, p, method)

    def freeze(self, p: ProcInfo) -> None:
        self._signal(p, "suspend")

    def thaw(self, p: ProcInfo) -> None:
        self._signal(p, "resume")

    def kill(self, p: ProcInfo) -> None:
        self._signal(p, "kill")

    def kill_group(self, pgid: int) -> None:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def freeze_group(self, pgid: int) -> None:
        try:
            os.killpg(pgid, signal.SIGSTOP)
        except (ProcessLookupError, PermissionError):
            pass

    def end_job(self) -> None:
        pass

    def reap(self, p: ProcInfo) -> None:
        try:
            os.waitpid(p.pid, os.WNOHANG)
        except ChildProcessError:
            pass
