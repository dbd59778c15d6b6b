"""Reading saved Observations: one loader for ``labkit check`` and ``labkit report``.

Folders, Observation JSON files and artifact zips (read without extracting) are read
the same way. Whatever is read is untrusted: files and zip members are read with a
byte cap, nesting is bounded before the JSON parser recurses, and every record is
validated against the published schema (``labkit/schema/observation-1.json``) before
it becomes an :class:`~labkit.observation.Observation`. Anything wrong is a
:class:`~labkit.errors.UsageError` (exit 2) naming the file and the field.
"""

from __future__ import annotations

import json
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from labkit.errors import EnvironmentUnavailable, UsageError
from labkit.i18n import _
from labkit.observation import SCHEMA, Observation

MAX_FILE_BYTES = 128 * 1024 * 1024  # one file or zip member; a 50 MB output line fits
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # everything one load reads (a zip bomb stops here)
MAX_DEPTH = 32  # an Observation nests 4 deep; nothing legitimate comes near this
SCHEMA_FILE = "observation-1.json"


# -- messages (one place, for translation) ------------------------------------------


def msg_no_paths() -> str:
    return _("no path given: name folders, Observation files or artifact zips")


def msg_missing(path: object) -> str:
    return _("no such file or folder: {path}").format(path=path)


def msg_not_regular(path: object) -> str:
    return _("cannot read {path}: not a regular file").format(path=path)


def msg_unreadable(where: str, why: str) -> str:
    return _("cannot read {path}: {why}").format(path=where, why=why)


def msg_too_big(where: str, limit: int) -> str:
    return _("cannot read {path}: larger than {mib} MiB").format(
        path=where, mib=limit // (1024 * 1024))


def msg_total_too_big(limit: int) -> str:
    return _("the inputs hold more than {mib} MiB of JSON: name fewer paths").format(
        mib=limit // (1024 * 1024))


def msg_not_json(where: str, why: str) -> str:
    return _("cannot read {path}: not valid JSON ({why})").format(path=where, why=why)


def msg_too_deep(where: str) -> str:
    return _("cannot read {path}: JSON nested deeper than {depth} levels").format(
        path=where, depth=MAX_DEPTH)


def msg_not_observation(where: str) -> str:
    return _("{path} is not a {schema} record").format(path=where, schema=SCHEMA)


def msg_invalid(where: str, field_path: str, why: str) -> str:
    return _("{path}: field {field} {why}").format(path=where, field=field_path, why=why)


def msg_none_found(where: str) -> str:
    return _("no Observations ({schema}) found in {path}").format(schema=SCHEMA, path=where)


def msg_no_validator() -> str:
    return _("the jsonschema package is missing: {command}").format(
        command="`pip install 'jsonschema>=4.10'`")


# -- what a load returns --------------------------------------------------------------


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


# -- bounded reading ------------------------------------------------------------------


class _Budget:
    """Bytes left for this load, across files and zip members."""

    def __init__(self, total: int = MAX_TOTAL_BYTES) -> None:
        self.left = total

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise UsageError(msg_total_too_big(MAX_TOTAL_BYTES))


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; a FIFO or a device is refused, never waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise UsageError(msg_unreadable(str(path), e.strerror or str(e))) from None
    try:
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        regular = False
    if not regular:
        os.close(fd)
        raise UsageError(msg_not_regular(path))
    return os.fdopen(fd, "rb")


def _read_capped(stream: BinaryIO, where: str, budget: _Budget) -> bytes:
    """At most MAX_FILE_BYTES, read in chunks: an oversized input costs no more."""
    raw = bytearray()
    while chunk := stream.read(1 << 20):
        raw += chunk
        if len(raw) > MAX_FILE_BYTES:
            raise UsageError(msg_too_big(where, MAX_FILE_BYTES))
    budget.take(len(raw))
    return bytes(raw)


def _read_regular(path: Path, budget: _Budget) -> bytes:
    """A regular file's bytes, at most MAX_FILE_BYTES."""
    with _open_regular(path) as f:
        try:
            return _read_capped(f, str(path), budget)
        except OSError as e:
            raise UsageError(msg_unreadable(str(path), e.strerror or str(e))) from None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: _Budget) -> bytes:
    # The header's size may lie: count what decompression really yields.
    with zf.open(info) as member:
        return _read_capped(member, where, budget)  # type: ignore[arg-type]


# -- bounded parsing ------------------------------------------------------------------

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')
_INNERMOST = re.compile(rb"\[\]|\{\}")


def nesting_exceeds(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON text nests deeper than ``limit``, decided before any parser recurses.

    Escapes are dropped, then every byte but quotes and brackets, then strings
    (brackets inside them do not count); then innermost pairs are removed once per
    level: what remains after ``limit`` rounds is nested deeper (or unbalanced, which
    the parser rejects anyway). All of it runs at C speed: 50 MB in about 0.1 s.
    """
    skeleton = _ESCAPE.sub(b"", raw).translate(None, _NOT_STRUCTURE)
    brackets = _STRING.sub(b"", skeleton).translate(None, b'"')
    for _level in range(limit):
        if not brackets:
            return False
        shorter = _INNERMOST.sub(b"", brackets)  # both kinds in one pass: one level
        if len(shorter) == len(brackets):
            return False  # unbalanced or mismatched: json.loads says so with a position
        brackets = shorter
    return bool(brackets)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse(raw: bytes, where: str) -> Any:
    if nesting_exceeds(raw):
        raise UsageError(msg_too_deep(where))
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError as e:
        why = _("not UTF-8 at byte {n}").format(n=e.start)
        raise UsageError(msg_not_json(where, why)) from None
    except RecursionError:
        raise UsageError(msg_too_deep(where)) from None
    except ValueError as e:  # JSONDecodeError included
        raise UsageError(msg_not_json(where, str(e)[:200])) from None


# -- validation -----------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of ``labkit.observation/1``."""
    text = resources.files("labkit").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with its local ``$ref``s replaced by what they name: the same rules,
    checked about 3× faster (no reference resolution per item)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


@cache
def _validator() -> Any:
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        raise EnvironmentUnavailable(msg_no_validator()) from None
    return Draft202012Validator(_inline(schema(), schema().get("$defs", {})))


_IS_TYPE: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _one_of(allowed: tuple[Any, ...]) -> Callable[[Any], bool]:
    return lambda v: v in allowed


def _any_type(tests: tuple[Callable[[Any], bool], ...]) -> Callable[[Any], bool]:
    return lambda v: any(test(v) for test in tests)


def _flat_check(item: dict[str, Any]) -> Callable[[Any], bool] | None:
    """A fast yes/no for one flat item schema (properties with only ``type``/``enum``),
    built from the published schema itself; None if the schema is not that simple.

    Observations hold thousands of output lines: each is checked here, and only a
    record with a failing item goes through jsonschema (which then names the field).
    """
    required = tuple(item.get("required", ()))
    checks: list[tuple[str, Callable[[Any], bool]]] = []
    for name, sub in item.get("properties", {}).items():
        if set(sub) - {"type", "enum", "description"}:
            return None
        if "enum" in sub:
            checks.append((name, _one_of(tuple(sub["enum"]))))
        else:
            kinds = sub["type"] if isinstance(sub["type"], list) else [sub["type"]]
            if any(k not in _IS_TYPE for k in kinds):
                return None
            checks.append((name, _any_type(tuple(_IS_TYPE[k] for k in kinds))))

    def ok(value: Any) -> bool:
        return isinstance(value, dict) and all(k in value for k in required) and all(
            check(value[name]) for name, check in checks if name in value)

    return ok


@cache
def _item_checks() -> dict[str, Callable[[Any], bool]]:
    """Fast checks for the arrays of flat items (``output``, ``processes``)."""
    top = _inline(schema(), schema().get("$defs", {}))
    out = {}
    for name, sub in top["properties"].items():
        items = sub.get("items")
        if sub.get("type") == "array" and isinstance(items, dict) and items.get("type") == "object":
            check = _flat_check(sub["items"])
            if check is not None:
                out[name] = check
    return out


_JSON_TYPE = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}


_SCHEMA_TYPE = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
}


def _field_path(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the record)"


def _why(error: Any) -> tuple[str, str]:
    """(field path, what is wrong) for one jsonschema error, without echoing big values."""
    where = _field_path(error.absolute_path)
    got = _JSON_TYPE.get(type(error.instance), type(error.instance).__name__)
    if error.validator == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        names = " or ".join(_SCHEMA_TYPE.get(str(w), str(w)) for w in wanted)
        return where, f"must be {names}, not {got}"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        name = missing[0] if missing else "?"
        return (f"{where}.{name}" if error.absolute_path else name), "is missing"
    if error.validator in ("enum", "const"):
        allowed = error.validator_value
        allowed = allowed if isinstance(allowed, list) else [allowed]
        return where, f"must be one of {', '.join(map(str, allowed))}"
    if error.validator == "minimum":
        return where, f"must be at least {error.validator_value}"
    return where, str(error.message)[:200]


def validate(record: Any, where: str) -> None:
    """Raise UsageError naming ``where`` and the first wrong field, if any."""
    from jsonschema.exceptions import best_match

    checks = _item_checks()
    if isinstance(record, dict) and all(
        isinstance(record.get(k), list) and all(map(ok, record[k])) for k, ok in checks.items()
        if k in record
    ):
        # Every item passed: let jsonschema check the rest without them.
        record = {k: ([] if k in checks and k in record else v) for k, v in record.items()}
    error = best_match(_validator().iter_errors(record))
    if error is not None:
        field_path, why = _why(error)
        raise UsageError(msg_invalid(where, field_path, why))


def observations_in(data: Any, where: str) -> list[Observation] | None:
    """The validated Observations in one JSON document, or None if it claims none.

    One Observation per file is what the kit writes; a list of them, or an object
    with an ``observations`` list, is accepted too.
    """
    if isinstance(data, dict) and isinstance(data.get("observations"), list):
        data = data["observations"]
    if isinstance(data, dict) and data.get("schema") == SCHEMA:
        records = [(where, data)]
    elif (
        isinstance(data, list)
        and data
        and all(isinstance(d, dict) and d.get("schema") == SCHEMA for d in data)
    ):
        records = [(f"{where}[{i}]", d) for i, d in enumerate(data)]
    else:
        return None
    out = []
    for at, record in records:
        validate(record, at)
        try:
            out.append(Observation.from_dict(record))
        except (TypeError, ValueError, KeyError, AttributeError) as e:  # schema drift
            raise UsageError(msg_invalid(at, "(the record)", str(e)[:200])) from None
    return out


# -- paths ----------------------------------------------------------------------------


def _parse_into(
    raw: bytes, where: str, source: Source, required: bool
) -> list[Observation]:
    found = observations_in(parse(raw, where), where)
    if found is None:
        if required:
            raise UsageError(msg_not_observation(where))
        source.skipped.append(where)
        return []
    return found


def _read_zip(path: Path, source: Source, budget: _Budget) -> Iterator[Observation]:
    try:
        with _open_regular(path) as f, zipfile.ZipFile(f) as zf:
            members = sorted(zf.infolist(), key=lambda i: i.filename)
            for info in members:
                if info.is_dir() or not info.filename.lower().endswith(".json"):
                    continue
                where = f"{path}!{info.filename}"
                yield from _parse_into(_read_member(zf, info, where, budget), where, source,
                                       required=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, EOFError) as e:
        # RuntimeError: an encrypted member; OSError/EOFError: truncated or corrupt.
        raise UsageError(msg_unreadable(str(path), str(e)[:200])) from None


def _read_path(path: Path, source: Source, budget: _Budget) -> Iterator[Observation]:
    if not path.exists():
        raise UsageError(msg_missing(path))
    if path.is_dir():
        found = sorted(
            q for q in path.rglob("*") if q.is_file() and q.suffix.lower() in (".json", ".zip")
        )
        for q in found:
            if q.suffix.lower() == ".zip":
                yield from _read_zip(q, source, budget)
            else:
                yield from _parse_into(_read_regular(q, budget), str(q), source, required=False)
        return
    if path.suffix.lower() == ".zip":
        yield from _read_zip(path, source, budget)
        return
    raw = _read_regular(path, budget)
    if raw[:4] == b"PK\x03\x04":  # a zip without its suffix (a browser's download)
        budget.take(-len(raw))
        yield from _read_zip(path, source, budget)
        return
    yield from _parse_into(raw, str(path), source, required=True)


def _identity(o: Observation) -> tuple[str, ...] | None:
    if not o.run_id:
        return None
    return (o.run_id, o.lab, o.variant, o.requested_start_method, str(o.repeat), o.environment)


def load(paths: Iterable[str | Path]) -> Loaded:
    """Every Observation under ``paths``; the same run found twice is kept once.

    Raises UsageError (exit 2) for a missing path, an unreadable, oversized, too
    deeply nested or malformed file, or when nothing at all was found.
    """
    given = [Path(p) for p in paths]
    if not given:
        raise UsageError(msg_no_paths())
    budget = _Budget()
    seen: set[tuple[str, ...]] = set()
    observations: list[Observation] = []
    sources: list[Source] = []
    duplicates = 0
    for path in given:
        source = Source(str(path))
        for o in _read_path(path, source, budget):
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
        raise UsageError(msg_none_found(", ".join(str(p) for p in given)))
    return Loaded(observations, sources, duplicates)
