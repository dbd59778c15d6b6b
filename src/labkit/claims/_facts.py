"""Small readings of an Observation that several claims share."""

from __future__ import annotations

import re
import statistics

from labkit.claims import fail
from labkit.observation import Observation, OutputLine


def line(o: Observation, needle: str, stream: str | None = None) -> OutputLine:
    found = o.first_line(needle, stream)
    if found is None:
        raise fail(f"no line containing {needle!r} in the {stream or 'output'}", "missing line")
    return found


def count(o: Observation, needle: str, stream: str | None = "stdout") -> int:
    return sum(needle in t for t in o.texts(stream))


def number_after(text: str, prefix: str) -> float:
    m = re.search(re.escape(prefix) + r"\s*(-?[0-9.]+)", text)
    if not m:
        raise fail(f"no number after {prefix!r} in {text!r}", "missing number")
    return float(m.group(1))


def effective_method(o: Observation, method: str) -> str:
    """The method a run really used: for ``default`` it is the platform's default."""
    return (o.start_method or o.default_start_method or method) if method == "default" else method


def latencies(o: Observation) -> list[float]:
    """Seconds from start() called to the child's bootstrap, in the order of starts."""
    return [lat for p in o.children if (lat := p.start_latency) is not None]


def median(xs: list[float]) -> float:
    if not xs:
        raise fail("no child was observed starting (no start latency traced)", "no start traced")
    return statistics.median(xs)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def py_version(o: Observation) -> tuple[int, int]:
    major, minor = o.python.get("version", "0.0").split(".")[:2]
    return int(major), int(minor)
