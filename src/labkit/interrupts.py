"""One signal story: SIGINT, SIGTERM and SIGHUP all end the whole run the same way.

The handler takes no lock and does no work: the first signal raises ``Stopped`` once in
the main thread, where the ordinary unwinding ends the runs (freeze, kill, sweep) and
removes their folders; repeats while that happens are only counted, so an impatient
second Ctrl-C cannot cut the cleanup in half (leaving frozen processes) or re-enter
Popen's locks. The exit code is 128 + the first signal's number.
"""

from __future__ import annotations

import signal
from types import FrameType

# SIGHUP exists on POSIX only; on Windows SIGBREAK (Ctrl-Break) plays the closed console.
HANDLED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")
    if hasattr(signal, name)
)

_received: list[int] = []


class Stopped(KeyboardInterrupt):
    """A signal asked the kit to stop; a KeyboardInterrupt so every cleanup path runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def handler(signum: int, frame: FrameType | None) -> None:
    """The one handler: raise ``Stopped`` for the first stop signal, count the rest."""
    _received.append(signum)  # list.append: atomic, lock-free
    if len(_received) == 1:
        raise Stopped(signum)


_handler = handler


def install() -> None:
    """Route the stop signals to ``_handler`` (main thread only).

    SIGINT is taken even when it was ignored (a shell's ``&``) so Ctrl-C still ends
    the runs; SIGHUP left ignored stays ignored (``nohup`` means keep going).
    """
    _received.clear()
    for sig in HANDLED:
        if sig == getattr(signal, "SIGHUP", None) and signal.getsignal(sig) == signal.SIG_IGN:
            continue
        signal.signal(sig, handler)


def received() -> tuple[int, ...]:
    return tuple(_received)


def first() -> int | None:
    return _received[0] if _received else None


def stop_code(exc: BaseException) -> int:
    """Exit code for an interruption: 128 + signal (a bare KeyboardInterrupt is SIGINT)."""
    return exc.exit_code if isinstance(exc, Stopped) else 128 + int(signal.SIGINT)


def stop_name(exc: BaseException) -> str:
    return exc.name if isinstance(exc, Stopped) else "SIGINT"
