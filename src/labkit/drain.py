"""Reading a run's stdout/stderr pipes on threads, as lines with the time they came.

A process that outlived its run (one the kit could not end, or one that is still being
ended) may hold a pipe open forever: the reader then stops once it is told the tree is
over and the pipe has been quiet for a moment, instead of waiting for an EOF that never
comes. Stdlib-only.
"""

from __future__ import annotations

import os
import select
import threading
import time
from typing import IO

QUIET_S = 0.05  # after the tree is over, how long a silent pipe is read before giving up
CHUNK = 1 << 16


class PipeReader:
    """One pipe, one daemon thread; ``lines`` gets (t, stream, line bytes) tuples."""

    def __init__(self, pipe: IO[bytes], stream: str, t0_ns: int,
                 lines: list[tuple[float, str, bytes]]) -> None:
        self.pipe = pipe
        self.stream = stream
        self.t0_ns = t0_ns
        self.lines = lines
        self.over = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True,
                                       name=f"labkit-{stream}-reader")

    def start(self) -> PipeReader:
        self.thread.start()
        return self

    def _now(self) -> float:
        return (time.perf_counter_ns() - self.t0_ns) / 1e9

    def _run(self) -> None:
        if os.name == "nt":  # no select() on Windows pipes: read to EOF (the Job ends all)
            for line in iter(self.pipe.readline, b""):
                self.lines.append((self._now(), self.stream, line))
            self.pipe.close()
            return
        fd = self.pipe.fileno()
        pending = bytearray()  # a line still without its newline (appends stay linear)
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], QUIET_S)
                if not ready:
                    if self.over.is_set():
                        break  # the tree is over and nobody writes: a survivor holds it
                    continue
                chunk = os.read(fd, CHUNK)
                if not chunk:
                    break
                cut = chunk.rfind(b"\n")
                if cut < 0:
                    pending += chunk
                    continue
                pending += chunk[: cut + 1]
                t = self._now()
                self.lines.extend((t, self.stream, line + b"\n")
                                  for line in bytes(pending).split(b"\n")[:-1])
                pending = bytearray(chunk[cut + 1 :])
        except (OSError, ValueError):
            pass
        if pending:
            self.lines.append((self._now(), self.stream, bytes(pending)))
        try:
            self.pipe.close()
        except OSError:
            pass

    def finish(self, timeout: float = 10.0) -> None:
        """The run's tree is over: read what is left, then stop."""
        self.over.set()
        self.thread.join(timeout)
