"""Windows: a Job object that kills on close holds the run; psutil finds the rest.

The main is assigned to the job right after ``Popen`` returns (Popen cannot start it
suspended), so a process it starts in that first instant (the venv's redirector
starts the real interpreter at once) is not yet in the job: the descendants alive at
assignment are assigned too, and every sweep also kills by parent links, keyed by
(pid, create time) because Windows reuses pids quickly. ``kernel32`` and ``psutil``
are seams for tests; both are loaded lazily.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

from labkit.contain import KILLED_BY_KIT, ProcInfo, _ps

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9
PROCESS_SET_QUOTA = 0x0100
PROCESS_TERMINATE = 0x0001


class _IoCounters(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class _BasicLimits(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class ExtendedLimits(ctypes.Structure):
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION."""

    _fields_ = [
        ("BasicLimitInformation", _BasicLimits),
        ("IoInfo", _IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


def load_kernel32() -> Any:
    return ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]


class Job:
    """One run's Job object: every process assigned dies when the job ends or closes."""

    def __init__(self, kernel32: Any = None) -> None:
        self.k32 = kernel32 or load_kernel32()
        self.handle = self.k32.CreateJobObjectW(None, None)
        if not self.handle:
            raise OSError("CreateJobObjectW failed")
        info = ExtendedLimits()
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
        if not self.k32.SetInformationJobObject(
            self.handle, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
            ctypes.byref(info), ctypes.sizeof(info),
        ):
            self.close()
            raise OSError("SetInformationJobObject failed")

    def assign_handle(self, handle: int) -> bool:
        return bool(self.k32.AssignProcessToJobObject(self.handle, handle))

    def assign_pid(self, pid: int) -> bool:
        h = self.k32.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, False, pid)
        if not h:
            return False  # gone, or protected (access denied): the sweep still sees it
        try:
            return self.assign_handle(h)
        finally:
            self.k32.CloseHandle(h)

    def terminate(self, exit_code: int = KILLED_BY_KIT & 0xFFFFFFFF) -> None:
        if self.handle:
            self.k32.TerminateJobObject(self.handle, exit_code)

    def close(self) -> None:
        if self.handle:
            self.k32.CloseHandle(self.handle)  # kill-on-close: nothing of the run outlives it
            self.handle = None


class WindowsApi:
    """A ProcessApi over psutil and a Job object; no groups, no sessions, no signals."""

    can_freeze = True  # psutil suspends a process (NtSuspendProcess)
    can_list = True

    def __init__(self, psutil: Any = None, kernel32: Any = None) -> None:
        self.psutil = psutil or _ps.load_psutil()
        self.kernel32 = kernel32
        self.self_pid = os.getpid()
        self._handles: dict = {}
        self.job: Job | None = None
        self.job_error = ""

    def adopt(self, proc: Any) -> None:
        """Put the new main and what it has started so far into a fresh Job object."""
        try:
            self.job = Job(self.kernel32)
        except OSError as exc:
            self.job_error = str(exc)
            return
        if not self.job.assign_handle(int(proc._handle)):
            self.job_error = "AssignProcessToJobObject failed"
        try:
            kids = self.psutil.Process(proc.pid).children(recursive=True)
        except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
            kids = []
        for kid in kids:
            self.job.assign_pid(kid.pid)

    def started(self, pid: int) -> float | None:
        return _ps.started(self.psutil, pid)

    def snapshot(self, since: float | None, run_id: str) -> list[ProcInfo]:
        procs, self._handles = _ps.snapshot(self.psutil, since, groups=None)
        return procs

    def freeze(self, p: ProcInfo) -> None:
        _ps.call(self.psutil, self._handles, p, "suspend")

    def thaw(self, p: ProcInfo) -> None:
        _ps.call(self.psutil, self._handles, p, "resume")

    def kill(self, p: ProcInfo) -> None:
        _ps.call(self.psutil, self._handles, p, "kill")

    def kill_group(self, pgid: int) -> None:
        pass  # no process groups to signal: the Job object is the group

    def freeze_group(self, pgid: int) -> None:
        pass

    def end_job(self) -> None:
        if self.job is not None:
            self.job.terminate()

    def reap(self, p: ProcInfo) -> None:
        pass  # no zombies: a handle-less exited process is gone

    def close(self) -> None:
        if self.job is not None:
            self.job.close()
            self.job = None
