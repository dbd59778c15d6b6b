"""The Observation: what one run of one script did, as data (``labkit.observation/1``).

A container, a Windows runner or this machine writes Observations; claims and the
report read them anywhere. Times are seconds since the run began, on a clock that
is comparable across every process of the run. Stdlib-only.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Any

SCHEMA = "labkit.observation/1"


class Role(StrEnum):
    """What a process was to the run."""

    MAIN = "main"  # the script's own interpreter
    CHILD = "child"  # made by Process.start() (any start method, any depth)
    FORKSERVER = "forkserver"
    RESOURCE_TRACKER = "resource_tracker"
    INTERPRETER = "interpreter"  # any other Python of the run (subprocess, ...)


class Stream(StrEnum):
    STDOUT = "stdout"
    STDERR = "stderr"


class EndSource(StrEnum):
    """How a process's ``ended_t`` was learnt, most exact first."""

    DIED = "died"  # the kernel said it died (pidfd readable): the moment of death
    LEFT = "left"  # its multiprocessing bootstrap returned, just before it exited
    NOTICED = "noticed"  # only its parent noticing (join/poll/is_alive) is known
    RUN_END = "run_end"  # the main process: the runner saw it exit


@dataclass(frozen=True)
class OutputLine:
    t: float  # when the script wrote the line's first bytes (not when its newline came)
    pid: int | None  # None: written below Python (fd level), so no process claimed it
    stream: Stream
    text: str  # decoded as UTF-8; undecodable bytes appear as backslash escapes
    b64: str | None = None  # the exact bytes, base64, only when they were not valid UTF-8

    def __post_init__(self) -> None:
        object.__setattr__(self, "stream", Stream(self.stream))


@dataclass(frozen=True)
class ProcessRecord:
    pid: int
    ppid: int | None  # os.getppid() as seen by the process itself
    name: str
    role: Role
    daemon: bool | None = None
    parent_pid: int | None = None  # pid of the process that called start()
    method: str | None = None  # the start method that really made it (children)
    start_requested_t: float | None = None
    started_t: float | None = None  # the child's bootstrap began (or the interpreter came up)
    ended_t: float | None = None  # when it died (see ended_by for how exact that is)
    exitcode: int | None = None
    noticed_t: float | None = None  # when its parent first saw it gone (join/poll)
    ended_by: EndSource | None = None  # how ended_t was learnt; None: end unknown

    def __post_init__(self) -> None:
        # Records read back from JSON carry plain strings: keep the typed values.
        object.__setattr__(self, "role", Role(self.role))
        if self.ended_by is not None:
            object.__setattr__(self, "ended_by", EndSource(self.ended_by))

    @property
    def start_latency(self) -> float | None:
        """Seconds from start() being called to the child's bootstrap running."""
        if self.started_t is None or self.start_requested_t is None:
            return None
        return self.started_t - self.start_requested_t


@dataclass(frozen=True)
class Observation:
    lab: str
    variant: str
    script: str
    start_method: str | None
    requested_start_method: str
    default_start_method: str | None
    available_start_methods: tuple[str, ...]
    python: dict[str, str]
    platform: dict[str, str | None]
    exit_code: int | None
    timed_out: bool
    duration_s: float
    output: tuple[OutputLine, ...]
    processes: tuple[ProcessRecord, ...]
    kit_version: str
    run_id: str = ""
    repeat: int = 0
    started_at: str = ""  # wall-clock ISO time, for humans only
    tracer_errors: tuple[str, ...] = ()
    survivors: tuple[str, ...] = ()  # processes of the run the kit could not end
    # The start methods that really made this run's processes, sorted; and whether the
    # script chose a method itself (set_start_method, get_context(...)) other than the
    # run's default (the requested method, or the platform's default under "default").
    effective_start_methods: tuple[str, ...] = ()
    method_chosen_by_script: bool = False
    schema: str = SCHEMA

    # -- views the claims use ---------------------------------------------------------

    @property
    def main(self) -> ProcessRecord | None:
        return next((p for p in self.processes if p.role == Role.MAIN), None)

    @property
    def children(self) -> list[ProcessRecord]:
        return sorted(
            (p for p in self.processes if p.role == Role.CHILD),
            key=lambda p: (p.start_requested_t is None, p.start_requested_t or 0.0),
        )

    def lines(self, stream: str | None = None, pid: int | None = None) -> list[OutputLine]:
        return [
            o
            for o in self.output
            if (stream is None or o.stream == stream) and (pid is None or o.pid == pid)
        ]

    def texts(self, stream: str | None = "stdout") -> list[str]:
        return [o.text for o in self.lines(stream)]

    def first_line(self, needle: str, stream: str | None = None) -> OutputLine | None:
        return next((o for o in self.lines(stream) if needle in o.text), None)

    def has_text(self, needle: str, stream: str | None = None) -> bool:
        return self.first_line(needle, stream) is not None

    @property
    def environment(self) -> str:
        """Where it ran, for tables and reports: os-release/python[/image]."""
        image = self.platform.get("image")
        py = ".".join(self.python.get("version", "?").split(".")[:2])
        base = f"{self.platform.get('system', '?')}/py{py}"
        return f"{base}@{image}" if image else base

    # -- JSON -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["available_start_methods"] = list(self.available_start_methods)
        d["effective_start_methods"] = list(self.effective_start_methods)
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Observation:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} record (schema={d.get('schema')!r})")
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        # Fields a newer kit added are ignored here, as the schema allows.
        kw["output"] = tuple(OutputLine(**_known(OutputLine, o)) for o in d.get("output", ()))
        kw["processes"] = tuple(
            ProcessRecord(**_known(ProcessRecord, p)) for p in d.get("processes", ())
        )
        kw["available_start_methods"] = tuple(d.get("available_start_methods", ()))
        kw["tracer_errors"] = tuple(d.get("tracer_errors", ()))
        kw["survivors"] = tuple(d.get("survivors", ()))
        kw["effective_start_methods"] = tuple(d.get("effective_start_methods", ()))
        return cls(**kw)


def _known(cls: type, d: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in d.items() if k in names}


def _file_stem(text: str) -> str:
    """A name part that stays inside the folder: a script's path gives its stem only."""
    stem = PurePath(text.replace("\\", "/")).name
    stem = stem[:-3] if stem.endswith(".py") else stem
    return re.sub(r"[^\w.-]", "_", stem).lstrip(".")[:80] or "_"


def write(observations: Iterable[Observation], directory: Path) -> list[Path]:
    """Write each Observation to its own file; names never collide within a directory."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for obs in observations:
        name = (f"{_file_stem(obs.lab)}.{_file_stem(obs.variant)}."
                f"{_file_stem(obs.requested_start_method)}.{obs.repeat}.{obs.run_id}.json")
        path = directory / name
        path.write_text(obs.to_json(), encoding="utf-8")
        paths.append(path)
    return paths


def load(path: Path) -> Observation:
    return Observation.from_dict(json.loads(path.read_text(encoding="utf-8")))


def iter_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Observation files under files or folders (recursively), in a stable order."""
    for p in paths:
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.json") if q.is_file())
        else:
            yield p
