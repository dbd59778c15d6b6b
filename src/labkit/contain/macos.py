"""macOS: no /proc and no subreaper, so psutil finds the run by its descendants, its
process group and session, and its environment; signals end it as on Linux, the
resource tracker spared on a timeout so it unlinks the run's named semaphores."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from labkit.contain import PosixGroups, ProcInfo, _ps


class MacApi(PosixGroups):
    """A ProcessApi over psutil; ``psutil`` is a seam for tests."""

    can_freeze = True

    def __init__(
        self,
        psutil: Any = None,
        groups: Callable[[int], tuple[int, int]] = _ps.os_groups,
        killpg: Callable[[int, int], None] = os.killpg,
    ) -> None:
        self.psutil = psutil or _ps.load_psutil()
        self.can_list = not getattr(self.psutil, "LISTS_NOTHING", False)
        self.groups = groups  # seams: tests list fake processes and record group signals
        self.killpg = killpg
        self.self_pid = os.getpid()
        self._handles: dict = {}

    def started(self, pid: int) -> float | None:
        return _ps.started(self.psutil, pid)

    def snapshot(self, since: float | None, run_id: str) -> list[ProcInfo]:
        procs, self._handles = _ps.snapshot(self.psutil, since, groups=self.groups)
        return procs

    def _signal(self, p: ProcInfo, method: str) -> None:
        _ps.call(self.psutil, self._handles, p, method)

    def freeze(self, p: ProcInfo) -> None:
        self._signal(p, "suspend")

    def thaw(self, p: ProcInfo) -> None:
        self._signal(p, "resume")

    def kill(self, p: ProcInfo) -> None:
        self._signal(p, "kill")

