"""The classroom image (kit, labs, README inside) and the hardened shell that opens it."""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from labkit.images._engine import Log, StreamLog, build_lock, engine, image_exists
from labkit.images.build import BuildResult, build_context, docker_build, image_result
from labkit.images.debian import bootstrap_tool, build_debian_base, ensure_base
from labkit.images.recipe import (
    LABEL,
    RECIPE_VERSION,
    UID,
    base_mode,
    base_recipe,
    digest,
    docker_dir,
    kit_root,
    recipes,
)

CLASSROOM_FILES = ("src/labkit", "labs", "exercises", "pyproject.toml", "README.md")


def _classroom_context() -> tuple[dict[str, bytes], str]:
    root = kit_root()
    files: dict[str, bytes] = {
        "docker/classroom.Dockerfile": (docker_dir() / "classroom.Dockerfile").read_bytes(),
        "docker/classroom-bashrc": (docker_dir() / "classroom-bashrc").read_bytes(),
    }
    for entry in CLASSROOM_FILES:
        p = root / entry
        if p.is_file():
            files[entry] = p.read_bytes()
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc",):
                    files[f.relative_to(root).as_posix()] = f.read_bytes()
    # src/ must exist for COPY even if empty of anything else
    return files, digest(sorted((k, hashlib.sha256(v).hexdigest()) for k, v in files.items()))


def ensure_classroom(client: Any | None = None, log: Log | StreamLog | None = None) -> BuildResult:
    client = client or engine()
    slog = log if isinstance(log, StreamLog) else StreamLog(log)
    t0 = time.monotonic()
    recipe = base_recipe(classroom=True)
    python = recipes()["classroom"]["python"]
    args = {"PYTHON": f"python{python}", "UID": str(UID)}
    files, files_id = _classroom_context()
    steps: list[tuple[str, float]] = []
    mode = base_mode()
    # The Debian classroom base carries rich/psutil/pytest; prefer it unless told otherwise.
    debian_ok = image_exists(client, recipe.tag) or bootstrap_tool() is not None
    if mode == "official" or (mode == "auto" and not debian_ok):
        base_ref, base_id = ensure_base(client, recipe, slog, steps)
    else:
        if not image_exists(client, recipe.tag):
            build_debian_base(client, recipe, slog, steps)
        base_ref = base_id = recipe.tag
    tag = f"labkit-classroom:{digest(RECIPE_VERSION, files_id, args, base_id)}"
    built = False
    with build_lock(tag):
        if not image_exists(client, tag):
            t = time.monotonic()
            docker_build(
                client,
                build_context(files),
                tag,
                {"BASE": base_ref, **args},
                {f"{LABEL}.kind": "classroom", f"{LABEL}.python": python},
                slog,
                "classroom",
                dockerfile="docker/classroom.Dockerfile",
                # an official base may need PyPI for rich/psutil/pytest; a Debian one never
                network="default" if base_ref == recipe.official else "none",
            )
            steps.append(("docker build", time.monotonic() - t))
            built = True
    client.images.get(tag).tag("labkit-classroom", "latest")
    res = image_result(client, tag, built, time.monotonic() - t0)
    res.base, res.steps = base_ref, steps
    return res


def classroom_run_args(tag: str, workdir: Path | None = None) -> list[str]:
    """The ``docker run`` line that opens a shell in the classroom image, hardened."""
    args = [
        "docker", "run", "--rm", "-it",
        "--network", "none",
        "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges",
        "--pids-limit", "512",
        "--memory", "2g",
        "--init",
        "--label", f"{LABEL}=1",
        "--label", f"{LABEL}.kind=classroom-shell",
    ]  # fmt: skip
    if workdir is not None:
        args += ["-v", f"{workdir.resolve()}:/home/lab/work"]
    return [*args, tag]


def open_shell(tag: str, workdir: Path | None = None, only_print: bool = False) -> int:
    """An interactive shell needs a terminal, which only the docker CLI gives: use it when
    there is one; otherwise print the exact line to run."""
    args = classroom_run_args(tag, workdir)
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    if only_print or not tty or shutil.which("docker") is None:
        why = "no terminal here" if not tty else "the docker CLI is not installed"
        if not only_print:
            print(f"labkit: {why}; open the classroom shell with:", file=sys.stderr)
        print(shlex.join(args))
        return 0
    print(f"labkit: {shlex.join(args)}", file=sys.stderr)
    return subprocess.call(args)
