"""Other POSIX systems (BSDs, a Linux without /proc): psutil where it is installed, as
on macOS; without it, the run's own process group and session alone."""

from __future__ import annotations

from typing import Any

from labkit.contain.macos import MacApi


class _NoPsutil:
    """Enough of psutil's surface to list nothing: group kills still end the run."""

    class Error(Exception):
        pass

    NoSuchProcess = AccessDenied = ZombieProcess = Error
    STATUS_ZOMBIE = "zombie"
    LISTS_NOTHING = True

    @staticmethod
    def process_iter() -> list:  # type: ignore[type-arg]
        return []


class PosixApi(MacApi):
    def __init__(self, psutil: Any = None, **seams: Any) -> None:
        if psutil is None:
            try:
                from labkit.contain import _ps

                psutil = _ps.load_psutil()
            except ImportError:
                psutil = _NoPsutil()
        super().__init__(psutil, **seams)
