"""Failures: the tracebacks a run printed, read as a student would read them by hand.

``failures(o)`` finds every traceback in an Observation's stderr, per process, and
keeps what a person needs first: the exception type and message, and the innermost
frame in the student's own script (not multiprocessing's, not the kit's). The full
text stays available (``labkit run --full``). Stdlib-only.
"""

from __future__ import annotations

import dataclasses
import re
import signal
from dataclasses import dataclass
from pathlib import PurePath

from labkit.observation import Observation, OutputLine

TRACEBACK = "Traceback (most recent call last):"
CHAINED = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)
_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$')
_EXCEPTION = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s?(?P<message>.*))?$")


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str
    source: str  # the code line shown under it ("" when Python had no source)

    @property
    def where(self) -> str:
        return f"{PurePath(self.file).name}:{self.line}"


@dataclass(frozen=True)
class Failure:
    """One traceback printed by one process."""

    pid: int | None
    exc_type: str  # "RuntimeError", "queue.Full"
    message: str  # the message, its lines joined by spaces
    frame: Frame | None  # the innermost frame of the student's script, if any
    frames: tuple[Frame, ...]
    lines: tuple[OutputLine, ...]  # the full text as printed

    @property
    def headline(self) -> str:
        return f"{self.exc_type}: {self.message}" if self.message else self.exc_type

    def short(self, limit: int = 160) -> str:
        """The headline up to its first sentence's end, at most ``limit`` characters,
        cut between words."""
        text = self.headline
        end = re.search(r"[.!?](\s|$)", text)
        if end and end.end() < len(text):
            text = text[: end.start() + 1] + " …"
        if len(text) <= limit:
            return text
        return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def _is_script(file: str, script: str) -> bool:
    if file.startswith("<"):
        return False
    path, mine = PurePath(file), PurePath(script)
    # The script may run at another path (a container's /labs): compare from the name up.
    return path == mine or (path.name == mine.name and path.parent.name == mine.parent.name)


def _is_foreign(file: str) -> bool:
    """Frames nobody wrote for this lab: the stdlib, site-packages, the kit, frozen code."""
    parts = set(PurePath(file).parts)
    return (file.startswith("<") or "multiprocessing" in parts or "site-packages" in parts
            or "labkit" in parts or PurePath(file).name.startswith("_labkit")
            or any(re.fullmatch(r"python3\.\d+", p) for p in parts))


def _student_frame(frames: list[Frame], script: str) -> Frame | None:
    for test in (lambda f: _is_script(f.file, script), lambda f: not _is_foreign(f.file)):
        mine = [f for f in frames if test(f)]
        if mine:
            return mine[-1]
    return None


def _parse(block: list[OutputLine], script: str) -> Failure:
    frames: list[Frame] = []
    exc_line = ""
    message_lines: list[str] = []
    i = 0
    while i < len(block):
        text = block[i].text
        m = _FRAME.match(text)
        if m:
            source = ""
            if i + 1 < len(block) and block[i + 1].text.startswith("    ") \
                    and not _FRAME.match(block[i + 1].text):
                source = block[i + 1].text.strip()
            frames.append(Frame(m["file"], int(m["line"]), m["func"], source))
        elif text and not text[0].isspace() and text != TRACEBACK and text not in CHAINED:
            exc_line, message_lines = text, []  # the last one wins (chained tracebacks)
        elif exc_line and text.strip():
            message_lines.append(text.strip())
        i += 1
    m = _EXCEPTION.match(exc_line)
    exc_type = m["type"] if m else exc_line
    first = (m["message"] or "") if m else ""
    message = " ".join(x for x in [first.strip(), *message_lines] if x)
    return Failure(block[0].pid, exc_type, message, _student_frame(frames, script),
                   tuple(frames), tuple(block))


def failures(o: Observation) -> list[Failure]:
    """Every traceback of the run, in the order printed, one per block per process."""
    found: list[Failure] = []
    open_blocks: dict[int | None, list[OutputLine]] = {}

    def close(pid: int | None) -> None:
        block = open_blocks.pop(pid, None)
        if block:
            body = list(block)
            while body and not body[-1].text.strip():
                body.pop()  # trailing blank lines belong to the block, not to its text
            found.append(dataclasses.replace(_parse(body, o.script), lines=tuple(block)))

    for ln in o.lines("stderr"):
        text = ln.text
        block = open_blocks.get(ln.pid)
        if text == TRACEBACK:
            if block is not None and block[-1].text.strip() in CHAINED + ("",):
                block.append(ln)  # the next link of a chained traceback
            else:
                close(ln.pid)
                open_blocks[ln.pid] = [ln]
            continue
        if block is None:
            continue
        # Inside a block: frames and code are indented; the exception line is not; its
        # message may go on over indented or empty lines. Anything else ends the block.
        last = max(i for i, x in enumerate(block) if x.text == TRACEBACK)
        has_exception = any(x.text and not x.text[0].isspace() and x.text not in CHAINED
                            for x in block[last + 1:])
        if text.strip() in CHAINED or not text or text[0].isspace():
            block.append(ln)
        elif not has_exception:
            block.append(ln)  # the exception line
        else:
            close(ln.pid)
    for pid in list(open_blocks):
        close(pid)
    return sorted(found, key=lambda f: f.lines[0].t)


def exit_words(code: int | None) -> tuple[str, str]:
    """(kind, detail) for an exit code: ("exit", "1") or ("signal", "SIGTERM") or ("", "")."""
    if code is None:
        return "", ""
    if code < 0:
        try:
            return "signal", signal.Signals(-code).name
        except ValueError:
            return "signal", str(-code)
    return "exit", str(code)
