"""Reading Observations from folders, JSON files and artifact zips, without extracting.

A CI run hands the report one folder per job (``actions/download-artifact``), a person
hands it the zips they downloaded from the run's page, or the ``results/`` folder of
their own machine. All of these are read the same way. Stdlib-only.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.errors import UsageError
from labkit.observation import SCHEMA, Observation


@dataclass
class Source:
    """One path given on the command line and what was found in it."""

    path: str
    observations: int = 0
    skipped: list[str] = field(default_factory=list)  # JSON that is not an Observation


@dataclass
class Loaded:
    observations: list[Observation]
    sources: list[Source]
    duplicates: int = 0  # the same run read twice (a folder and its zip, say)


def _records(data: Any) -> list[dict[str, Any]] | None:
    """The Observation dicts in one JSON document, or None if it holds none.

    One Observation per file is what the kit writes; a list of them, or an object
    with an ``observations`` list, is accepted too.
    """
    if isinstance(data, dict) and data.get("schema") == SCHEMA:
        return [data]
    if isinstance(data, dict) and isinstance(data.get("observations"), list):
        data = data["observations"]
    if (
        isinstance(data, list)
        and data
        and all(isinstance(d, dict) and d.get("schema") == SCHEMA for d in data)
    ):
        return data
    return None


def _parse(raw: bytes, where: str, source: Source, required: bool) -> list[Observation]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"cannot read {where}: not valid JSON ({e})") from None
    records = _records(data)
    if records is None:
        if required:
            raise UsageError(f"{where} is not a {SCHEMA} record")
        source.skipped.append(where)
        return []
    out = []
    for d in records:
        try:
            out.append(Observation.from_dict(d))
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise UsageError(f"cannot read {where}: malformed Observation ({e})") from None
    return out


def _read_zip(path: Path, source: Source) -> Iterator[Observation]:
    try:
        with zipfile.ZipFile(path) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                if info.is_dir() or not info.filename.lower().endswith(".json"):
                    continue
                where = f"{path}!{info.filename}"
                yield from _parse(zf.read(info), where, source, required=False)
    except (zipfile.BadZipFile, OSError, RuntimeError) as e:
        # RuntimeError: an encrypted member; OSError: unreadable or truncated.
        raise UsageError(f"cannot read {path}: {e}") from None


def _read_file(path: Path, source: Source, required: bool) -> list[Observation]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from None
    return _parse(raw, str(path), source, required)


def _read_path(path: Path, source: Source) -> Iterator[Observation]:
    if not path.exists():
        raise UsageError(f"no such file or folder: {path}")
    if path.is_dir():
        found = sorted(
            q for q in path.rglob("*") if q.is_file() and q.suffix.lower() in (".json", ".zip")
        )
        for q in found:
            if q.suffix.lower() == ".zip":
                yield from _read_zip(q, source)
            else:
                yield from _read_file(q, source, required=False)
        return
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        yield from _read_zip(path, source)
        return
    yield from _read_file(path, source, required=True)


def _identity(o: Observation) -> tuple[str, ...] | None:
    if not o.run_id:
        return None
    return (o.run_id, o.lab, o.variant, o.requested_start_method, str(o.repeat), o.environment)


def load(paths: Iterable[str | Path]) -> Loaded:
    """Every Observation under ``paths``; the same run found twice is kept once.

    Raises UsageError (exit 2) for a missing path, an unreadable file, or when
    nothing at all was found.
    """
    given = [Path(p) for p in paths]
    if not given:
        raise UsageError("no path given: name folders, Observation files or artifact zips")
    seen: set[tuple[str, ...]] = set()
    observations: list[Observation] = []
    sources: list[Source] = []
    duplicates = 0
    for path in given:
        source = Source(str(path))
        for o in _read_path(path, source):
            ident = _identity(o)
            if ident is not None and ident in seen:
                duplicates += 1
                continue
            if ident is not None:
                seen.add(ident)
            observations.append(o)
            source.observations += 1
        sources.append(source)
    if not observations:
        where = ", ".join(str(p) for p in given)
        raise UsageError(f"no Observations ({SCHEMA}) found in {where}")
    return Loaded(observations, sources, duplicates)
