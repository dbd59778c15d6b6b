"""Base images: the official ``python:<ver>-slim`` when the engine has it, else a root
filesystem built from Debian packages with ``mmdebstrap`` (or ``debootstrap``) from the apt
mirror this machine uses, imported into the engine; pulled only when asked
(``LABKIT_BASE=official``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from labkit.errors import EnvironmentUnavailable
from labkit.images._engine import Log, StreamLog, build_lock, first_line, image_exists
from labkit.images.recipe import LABEL, BaseRecipe, base_mode


def bootstrap_tool() -> str | None:
    for tool in ("mmdebstrap", "debootstrap"):
        if shutil.which(tool):
            return tool
    return None


def ensure_base(
    client: Any, recipe: BaseRecipe, log: StreamLog, steps: list[tuple[str, float]]
) -> tuple[str, str]:
    """The base image reference to build FROM and the text that identifies it in a tag."""
    mode = base_mode()
    if mode in ("auto", "official") and image_exists(client, recipe.official):
        image = client.images.get(recipe.official)
        return recipe.official, f"{recipe.official}@{image.id}"
    if mode == "official":
        t = time.monotonic()
        log(recipe.name, f"pulling {recipe.official} (LABKIT_BASE=official asked for it)")
        try:
            repo, tag = recipe.official.rsplit(":", 1)
            for ev in client.api.pull(repo, tag=tag, stream=True, decode=True):
                if ev.get("status") and not ev.get("progressDetail"):
                    log(recipe.name, f"{ev.get('id', '')} {ev['status']}".strip())
        except Exception as exc:  # registry unreachable, unknown tag...
            raise EnvironmentUnavailable(
                f"cannot pull {recipe.official} ({first_line(exc)}): unset LABKIT_BASE to "
                "build the base from Debian packages instead"
            ) from None
        steps.append((f"pull {recipe.official}", time.monotonic() - t))
        image = client.images.get(recipe.official)
        return recipe.official, f"{recipe.official}@{image.id}"
    if not image_exists(client, recipe.tag):
        build_debian_base(client, recipe, log, steps)
    return recipe.tag, recipe.tag


def debian_mirror(apt_dir: Path = Path("/etc/apt")) -> str:
    """The Debian mirror apt uses on this machine (``LABKIT_DEBIAN_MIRROR`` overrides)."""
    env = os.environ.get("LABKIT_DEBIAN_MIRROR")
    if env:
        return env
    codenames = {"bookworm", "trixie", "forky", "duke", "sid", "unstable", "testing", "stable"}
    found: list[str] = []
    parts_dir = apt_dir / "sources.list.d"
    files = sorted(parts_dir.glob("*.sources")) + [
        apt_dir / "sources.list",
        *sorted(parts_dir.glob("*.list")),
    ]
    for f in files:
        try:
            text = f.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if f.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(
                    (m.group(1).lower(), m.group(2).strip())
                    for m in re.finditer(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.M)
                )
                suites = set(fields.get("suites", "").split())
                if "deb" in fields.get("types", "").split() and suites & codenames:
                    found += fields.get("uris", "").split()
        else:
            for line in text.splitlines():
                parts = line.split("#", 1)[0].split()
                if len(parts) >= 3 and parts[0] == "deb":
                    rest = [p for p in parts[1:] if not p.startswith("[")]
                    if len(rest) >= 2 and rest[1] in codenames:
                        found.append(rest[0])
    return found[0] if found else "http://deb.debian.org/debian"


def build_debian_base(
    client: Any, recipe: BaseRecipe, log: StreamLog, steps: list[tuple[str, float]]
) -> None:
    tool = bootstrap_tool()
    if tool is None:
        raise EnvironmentUnavailable(
            f"no base image for {recipe.name}: {recipe.official} is not in the engine and "
            "neither mmdebstrap nor debootstrap is installed to build one from Debian "
            "packages. Install one (`apt-get install -y mmdebstrap`), or "
            f"`docker pull {recipe.official}` where a registry is reachable"
        )
    mirror = debian_mirror()
    what = f"{recipe.name} base"
    with build_lock(recipe.tag):
        if image_exists(client, recipe.tag):  # another process built it meanwhile
            return
        cache = Path(os.environ.get("LABKIT_BUILD_TMP") or tempfile.gettempdir())
        with tempfile.TemporaryDirectory(prefix="labkit-rootfs-", dir=cache) as tmp:
            tarball = Path(tmp) / "rootfs.tar"
            t = time.monotonic()
            log(what, f"{tool}: Debian {recipe.suite} + {' '.join(recipe.packages)} from {mirror}")
            if tool == "mmdebstrap":
                cmd = [
                    "mmdebstrap",
                    f"--variant={recipe.variant}",
                    "--format=tar",
                    f"--include={','.join(recipe.packages)}",
                    *(f"--aptopt={o}" for o in recipe.aptopt),
                    *(f"--dpkgopt={o}" for o in recipe.dpkgopt),
                    recipe.suite,
                    str(tarball),
                    mirror,
                ]
                _stream(cmd, lambda s: log(what, s))
            else:
                _debootstrap(recipe, mirror, Path(tmp), tarball, lambda s: log(what, s))
            steps.append((f"{tool} {recipe.suite}", time.monotonic() - t))
            t = time.monotonic()
            size = tarball.stat().st_size
            log(what, f"importing {size / 1e6:.0f} MB root filesystem as {recipe.tag}")
            repo, tag = recipe.tag.rsplit(":", 1)
            client.api.import_image_from_file(
                str(tarball),
                repository=repo,
                tag=tag,
                changes=[
                    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "ENV LANG=C.UTF-8",
                    f"LABEL {LABEL}=1 {LABEL}.kind=base {LABEL}.suite={recipe.suite}",
                    'CMD ["/bin/sh"]',
                ],
            )
            steps.append(("docker import", time.monotonic() - t))


def _debootstrap(recipe: BaseRecipe, mirror: str, tmp: Path, tarball: Path, log: Log) -> None:
    """Fallback when mmdebstrap is missing: debootstrap into a folder, then tar it."""
    if os.geteuid() != 0:
        raise EnvironmentUnavailable(
            "debootstrap needs root: install mmdebstrap (works unprivileged), or run as root"
        )
    root = tmp / "root"
    variant = "minbase" if recipe.variant in ("essential", "minbase", "apt") else recipe.variant
    _stream(
        [
            "debootstrap",
            f"--variant={variant}",
            f"--include={','.join(recipe.packages)}",
            "--no-check-gpg" if os.environ.get("LABKIT_NO_CHECK_GPG") else "--force-check-gpg",
            recipe.suite,
            str(root),
            mirror,
        ],
        log,
    )
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"):
        for p in (root / sub).glob("*"):
            if p.is_file() and p.name not in ("lock",) and sub.startswith("var"):
                p.unlink(missing_ok=True)
    _stream(["tar", "--numeric-owner", "-C", str(root), "-cf", str(tarball), "."], log)
    shutil.rmtree(root, ignore_errors=True)


def _stream(cmd: list[str], log: Log) -> None:
    """Run a command, streaming its output as it comes; a failure carries the tail."""
    tail: list[str] = []
    try:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
    except OSError as exc:
        raise EnvironmentUnavailable(f"cannot run {cmd[0]}: {exc}") from None
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            tail = (tail + [line.rstrip()])[-15:]
            log(line)
        rc = proc.wait()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if rc != 0:
        raise EnvironmentUnavailable(
            f"{cmd[0]} failed (exit {rc}); last lines:\n  "
            + "\n  ".join(tail)
            + "\nIs the Debian mirror reachable? Set LABKIT_DEBIAN_MIRROR to one that is."
        )
