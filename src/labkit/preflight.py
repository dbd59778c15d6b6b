"""Checks made before anything runs: numbers, output paths, names.

Bad input must cost nothing: every check here raises UsageError (exit 2, one line)
before the first process starts, so a run is never lost to a path that cannot be
written or a number the watchdog cannot use.
"""

from __future__ import annotations

import argparse
import math
import os
import stat
import tempfile
from pathlib import Path

from labkit.errors import UsageError
from labkit.i18n import _

MAX_TIMEOUT = 24 * 3600.0  # a day: longer is a typo, and threading rejects 1e20
MAX_REPEAT = 1000
MAX_JOBS = 256


# -- messages (one place, for translation) ------------------------------------------


def msg_not_number(text: str) -> str:
    return _("{text} is not a number").format(text=repr(text))


def msg_not_finite(text: str) -> str:
    return _("{text} is not a finite number of seconds").format(text=repr(text))


def msg_seconds_range(text: str) -> str:
    return _("{text} must be more than 0 and at most {most} seconds (a day)").format(
        text=repr(text), most=f"{MAX_TIMEOUT:.0f}")


def msg_not_integer(text: str) -> str:
    return _("{text} is not a whole number").format(text=repr(text))


def msg_count_range(text: str, low: int, high: int) -> str:
    return _("{text} must be from {low} to {high}").format(text=repr(text), low=low, high=high)


def msg_is_folder(option: str, path: object) -> str:
    return _("{option} {path}: is a folder, give a file name").format(option=option, path=path)


def msg_is_file(option: str, path: object) -> str:
    return _("{option} {path}: is a file, give a folder").format(option=option, path=path)


def msg_under_file(option: str, path: object, blocker: object) -> str:
    return _("{option} {path}: {blocker} is a file, not a folder").format(
        option=option, path=path, blocker=blocker)


def msg_cannot_write(option: str, path: object, why: str) -> str:
    return _("{option} {path}: cannot write there ({why})").format(
        option=option, path=path, why=why)


def msg_same_output(first: str, second: str, path: object) -> str:
    return _("{first} and {second} name the same file: {path}").format(
        first=first, second=second, path=path)


# -- numbers (argparse types: a bad value is a usage error at parse time) ------------


def seconds(text: str) -> float:
    """A timeout: finite, more than 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(msg_not_number(text)) from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(msg_not_finite(text))
    if not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(msg_seconds_range(text))
    return value


def count(low: int, high: int):  # type: ignore[no-untyped-def]
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            raise argparse.ArgumentTypeError(msg_not_integer(text)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(msg_count_range(text, low, high))
        return value

    parse.__name__ = "count"  # argparse names the type in its messages
    return parse


repeats = count(1, MAX_REPEAT)
jobs = count(1, MAX_JOBS)


# -- output paths ---------------------------------------------------------------------


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


def _probe_folder(folder: Path) -> str | None:
    """Why a file cannot be written in ``folder`` (None: it can): a real test write."""
    try:
        fd, name = tempfile.mkstemp(prefix=".labkit-probe-", dir=folder)
    except OSError as e:
        return e.strerror or str(e)
    try:
        os.write(fd, b"\n")
        return None
    except OSError as e:
        return e.strerror or str(e)
    finally:
        os.close(fd)
        os.unlink(name)


def _probe_existing(path: Path) -> str | None:
    """An existing file opened for writing, without changing it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
        return None
    except OSError as e:
        return e.strerror or str(e)


def _probe_special(path: Path) -> str | None:
    """A device or pipe (``/dev/full``, ``>(cmd)``): write one newline, which JSON
    readers skip, and see whether it goes through."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        return e.strerror or str(e)
    try:
        os.write(fd, b"\n")
        return None
    except BlockingIOError:
        return None  # a full pipe: it has a reader
    except OSError as e:
        return e.strerror or str(e)
    finally:
        os.close(fd)


def output_file(path: Path, option: str) -> None:
    """``path`` can be written as a file (created with its folders if missing)."""
    if path.is_dir():
        raise UsageError(msg_is_folder(option, path))
    existing = _nearest_existing(path)
    if existing != path:
        if not existing.is_dir():
            raise UsageError(msg_under_file(option, path, existing))
        why = _probe_folder(existing)
    else:
        mode = os.stat(path).st_mode if path.exists() else 0
        if stat.S_ISREG(mode):
            why = _probe_existing(path) or _probe_folder(path.parent)
        elif mode:
            why = _probe_special(path)
        else:
            why = _("a dangling link")
    if why:
        raise UsageError(msg_cannot_write(option, path, why))


def output_folder(path: Path, option: str) -> None:
    """``path`` is, or can be made, a folder that files can be written in."""
    existing = _nearest_existing(path)
    if existing.exists() and not existing.is_dir():
        if existing == path:
            raise UsageError(msg_is_file(option, path))
        raise UsageError(msg_under_file(option, path, existing))
    why = _probe_folder(existing) if existing.exists() else _("a dangling link")
    if why:
        raise UsageError(msg_cannot_write(option, path, why))


def distinct_outputs(*named: tuple[str, Path | None]) -> None:
    """Two options must not write the same file."""
    seen: dict[Path, str] = {}
    for option, path in named:
        if path is None or str(path) == "-":
            continue
        key = Path(os.path.abspath(path))
        if key in seen:
            raise UsageError(msg_same_output(seen[key], option, path))
        seen[key] = option
