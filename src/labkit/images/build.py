"""Kit images: one per CPython version, built FROM its base and reused while its tag exists.

Never pulls: the base exists (checked) before a build starts.
"""

from __future__ import annotations

import io
import tarfile
import time
from dataclasses import dataclass, field
from typing import Any

from labkit.errors import EnvironmentUnavailable
from labkit.images._engine import Log, StreamLog, build_lock, engine, image_exists
from labkit.images.debian import ensure_base
from labkit.images.recipe import (
    LABEL,
    base_mode,
    base_recipe,
    docker_dir,
    runtime_args,
    runtime_tag,
)


@dataclass
class BuildResult:
    tag: str
    built: bool  # False: the tag existed and was reused
    seconds: float
    size: int = 0  # bytes, as the engine reports the image
    base: str = ""
    steps: list[tuple[str, float]] = field(default_factory=list)  # (what, seconds)

    def line(self) -> str:
        how = "built" if self.built else "reused"
        return f"{self.tag}: {how} in {self.seconds:.2f}s, {self.size / 1e6:.0f} MB" + (
            f", base {self.base}" if self.base else ""
        )


def planned_tag(client: Any, python: str) -> str | None:
    """The tag ``ensure(python)`` would give, if it can be known without building."""
    recipe = base_recipe(python)
    mode = base_mode()
    if mode in ("auto", "official") and image_exists(client, recipe.official):
        image = client.images.get(recipe.official)
        return runtime_tag(python, f"{recipe.official}@{image.id}")
    if mode == "official":
        return None
    return runtime_tag(python, recipe.tag)


def ensure(
    python: str, client: Any | None = None, log: Log | StreamLog | None = None
) -> BuildResult:
    """The kit image for ``python``: reused when its tag exists, else built (never pulled)."""
    client = client or engine()
    slog = log if isinstance(log, StreamLog) else StreamLog(log)
    t0 = time.monotonic()
    tag = planned_tag(client, python)
    if tag and image_exists(client, tag):
        return image_result(client, tag, False, time.monotonic() - t0)
    steps: list[tuple[str, float]] = []
    recipe = base_recipe(python)
    base_ref, base_id = ensure_base(client, recipe, slog, steps)
    tag = runtime_tag(python, base_id)
    with build_lock(tag):
        if not image_exists(client, tag):
            t = time.monotonic()
            context = build_context({"Dockerfile": (docker_dir() / "Dockerfile").read_bytes()})
            docker_build(
                client,
                context,
                tag,
                {"BASE": base_ref, **runtime_args(python)},
                {f"{LABEL}.kind": "runtime", f"{LABEL}.python": python},
                slog,
                f"py{python}",
            )
            steps.append(("docker build", time.monotonic() - t))
    res = image_result(client, tag, True, time.monotonic() - t0)
    res.base, res.steps = base_ref, steps
    return res


def image_result(client: Any, tag: str, built: bool, seconds: float) -> BuildResult:
    size = int(client.images.get(tag).attrs.get("Size") or 0)
    return BuildResult(tag=tag, built=built, seconds=seconds, size=size)


def build_context(files: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in sorted(files.items()):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 0
            tf.addfile(ti, io.BytesIO(data))
    buf.seek(0)
    return buf


def docker_build(
    client: Any,
    context: io.BytesIO,
    tag: str,
    buildargs: dict[str, str],
    labels: dict[str, str],
    log: StreamLog,
    what: str,
    dockerfile: str = "Dockerfile",
    network: str = "none",
) -> None:
    """Classic build through the SDK. The base exists (checked), so nothing is pulled."""
    log(what, f"docker build {tag} FROM {buildargs.get('BASE')}")
    tail: list[str] = []
    stream = client.api.build(
        fileobj=context,
        custom_context=True,
        dockerfile=dockerfile,
        tag=tag,
        buildargs=buildargs,
        labels={LABEL: "1", **labels},
        pull=False,
        rm=True,
        forcerm=True,
        network_mode=network,
        decode=True,
    )
    for ev in stream:
        if "stream" in ev:
            for line in ev["stream"].splitlines():
                tail = (tail + [line])[-15:]
                log(what, line)
        elif "error" in ev:
            raise EnvironmentUnavailable(
                f"building {tag} failed: {ev['error'].strip()}\n  " + "\n  ".join(tail)
            )
        elif ev.get("status"):
            log(what, ev["status"])
