"""The engine: a connected docker client, what is in it, build logs, one builder per tag.

The docker SDK is a host extra, imported only when an engine is needed.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from labkit.errors import EnvironmentUnavailable

Log = Callable[[str], None]


def engine(timeout: int = 30) -> Any:
    """A connected ``docker.DockerClient``, or EnvironmentUnavailable saying what to do."""
    hint = (
        "start Docker (or Podman's docker socket), or point DOCKER_HOST at an engine, "
        "or run the labs natively with `nox -s labs`"
    )
    try:
        # by name: a type checker run from the checkout would take docker/ for the SDK
        sdk: Any = importlib.import_module("docker")
        from docker.errors import DockerException
    except ImportError:
        raise EnvironmentUnavailable(
            "the docker SDK is not installed: `pip install docker`, or " + hint
        ) from None
    where = os.environ.get("DOCKER_HOST") or "the default socket"
    try:
        client = sdk.from_env(timeout=timeout)
        client.ping()
        os_type = client.version().get("Os", "linux")
    except (DockerException, OSError) as exc:
        raise EnvironmentUnavailable(
            f"no Docker engine reachable at {where} ({first_line(exc)}): {hint}"
        ) from None
    if os_type != "linux":
        raise EnvironmentUnavailable(
            f"the Docker engine at {where} runs {os_type} containers; the kit images are "
            f"Linux: switch the engine to Linux containers, or {hint.split(', or ', 1)[-1]}"
        )
    return client


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def image_exists(client: Any, ref: str) -> bool:
    from docker.errors import ImageNotFound

    try:
        client.images.get(ref)
        return True
    except ImageNotFound:
        return False


class StreamLog:
    """Build output, line by line, prefixed with the elapsed time and what is building."""

    def __init__(self, sink: Log | None = None) -> None:
        self.t0 = time.monotonic()
        self.sink = sink or (lambda s: print(s, file=sys.stderr, flush=True))

    def __call__(self, what: str, line: str) -> None:
        line = line.rstrip()
        if line:
            self.sink(f"[{time.monotonic() - self.t0:7.1f}s] {what}: {line}")


@contextmanager
def build_lock(name: str) -> Iterator[None]:
    """One builder per tag on this machine (parallel test workers, two terminals).

    A ``filelock`` lock file in a folder every user of the machine may write; where
    another user's lock file cannot be opened, the build goes ahead without it.
    """
    from filelock import FileLock

    d = Path(tempfile.gettempdir()) / "labkit-locks"
    path = d / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".lock")
    try:
        d.mkdir(exist_ok=True)
        with suppress(OSError):
            d.chmod(0o1777)  # shared by every user of this machine
        lock = FileLock(path, mode=0o666)
        lock.acquire()
    except OSError:  # another user's lock file: build without the lock
        yield
        return
    try:
        yield
    finally:
        lock.release()
