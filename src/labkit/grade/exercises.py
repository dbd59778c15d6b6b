"""The exercises: ``exercises/<id>/starter.py`` (what a student receives) and
``exercises/<id>/exercise.toml`` (title, hint, timeout, weighted checks). Stdlib-only."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from labkit.errors import UsageError
from labkit.i18n import _

TEMPLATE_DIR = Path(".labkit") / "exercises"  # where a Classroom template keeps the checks


def exercises_dir() -> Path:
    """``LABKIT_EXERCISES``; else ``exercises/`` beside ``src/`` in a checkout; else, for an
    installed kit in a student's repository, ``.labkit/exercises`` of the current folder."""
    env = os.environ.get("LABKIT_EXERCISES")
    if env:
        return Path(env)
    for parent in Path(__file__).resolve().parents:
        if (parent / "exercises" / "guard" / "exercise.toml").is_file():
            return parent / "exercises"
    return Path.cwd() / TEMPLATE_DIR


class CheckKind(StrEnum):
    """What a check looks at; all but STATIC_GUARD read one run per start method."""

    RUNS_TO_END = "runs_to_end"
    NO_BOOTSTRAP_ERROR = "no_bootstrap_error"
    CHILDREN_OK = "children_ok"
    LINES = "lines"
    START_METHOD = "start_method"
    STATIC_GUARD = "static_guard"  # the AST of the source, judged once


KINDS = tuple(CheckKind)


@dataclass(frozen=True)
class LineSpec:
    """``text`` must appear in exactly ``count`` stdout lines (0: never)."""

    text: str
    count: int


@dataclass(frozen=True)
class CheckSpec:
    kind: CheckKind
    weight: int
    min_children: int = 0
    lines: tuple[LineSpec, ...] = ()

    @property
    def id(self) -> str:
        return self.kind


@dataclass(frozen=True)
class Exercise:
    id: str
    title: dict[str, str]
    hint: dict[str, str]
    timeout: float
    score: int  # the Classroom max-score: all of it at full marks, none below
    checks: tuple[CheckSpec, ...]
    directory: Path

    @property
    def starter(self) -> Path:
        return self.directory / "starter.py"

    @property
    def file_name(self) -> str:
        return file_name(self.id)


def file_name(exercise_id: str) -> str:
    """The student's file: ``<id>.py``, unless that would shadow a standard-library module
    (``pickle.py`` would be imported by multiprocessing instead of pickle)."""
    shadowed = exercise_id in sys.stdlib_module_names
    return f"{exercise_id}_exercise.py" if shadowed else f"{exercise_id}.py"




def ids() -> list[str]:
    root = exercises_dir()
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob("*/exercise.toml"))


def load(exercise_id: str) -> Exercise:
    known = ids()
    if exercise_id not in known:
        raise UsageError(_("unknown exercise {name}: choose from {known}").format(
            name=repr(exercise_id), known=", ".join(known)))
    directory = exercises_dir() / exercise_id
    path = directory / "exercise.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: unreadable exercise ({exc})") from None
    checks = []
    for c in data.get("check", []):
        if c.get("kind") not in KINDS:
            raise UsageError(f"{path}: unknown check kind {c.get('kind')!r}")
        checks.append(CheckSpec(
            kind=CheckKind(c["kind"]),
            weight=int(c.get("weight", 1)),
            min_children=int(c.get("min_children", 0)),
            lines=tuple(LineSpec(x["text"], int(x.get("count", 1))) for x in c.get("lines", ())),
        ))
    return Exercise(
        id=exercise_id,
        title=dict(data.get("title", {})),
        hint=dict(data.get("hint", {})),
        timeout=float(data.get("timeout", 8.0)),
        score=int(data.get("score", 10)),
        checks=tuple(checks),
        directory=directory,
    )


def all_exercises() -> list[Exercise]:
    return [load(i) for i in ids()]
