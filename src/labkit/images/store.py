"""Sizes, saving and loading for offline classrooms, and pruning images of old recipes."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from labkit.images._engine import Log, first_line
from labkit.images.recipe import LABEL


def kit_images(client: Any) -> list[Any]:
    return client.images.list(filters={"label": f"{LABEL}=1"})


def save(client: Any, tags: Sequence[str], dest: Path, log: Log | None = None) -> Path:
    """``docker save`` through the SDK: one tarball to carry to a machine without a registry.

    Each image is saved with the SDK's ``Image.save``; the archives are merged into one
    that ``docker load`` reads whole, so layers the images share are stored once.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="labkit-save-", dir=dest.parent) as tmp:
        parts = []
        for i, tag in enumerate(dict.fromkeys(tags)):
            part = Path(tmp) / f"{i}.tar"
            with open(part, "wb") as fh:
                for chunk in client.images.get(tag).save(chunk_size=1 << 20, named=tag):
                    fh.write(chunk)
            parts.append(part)
        merge_archives(parts, dest)
    if log:
        log(f"saved {', '.join(tags)} to {dest} ({dest.stat().st_size / 1e6:.0f} MB)")
    return dest


# The files of a ``docker save`` archive that list its images; every other member is
# content-addressed (a layer, a config, an OCI blob), so one copy of it serves every image.
INDEXES = ("manifest.json", "repositories", "index.json")


def _sha256(fh: IO[bytes] | None) -> str:
    h = hashlib.sha256()
    while fh is not None and (chunk := fh.read(1 << 20)):
        h.update(chunk)
    return h.hexdigest()


def merge_archives(parts: Sequence[Path], dest: Path) -> None:
    """Merge ``docker save`` archives (legacy or OCI layout) into one: each member once,
    a layer under another name as a link to its first copy, the image lists
    (``manifest.json``, ``repositories``, ``index.json``) joined."""
    manifest: list[Any] = []
    repositories: dict[str, dict[str, str]] = {}
    index: dict[str, Any] = {}
    seen: set[str] = set()
    layers: dict[str, str] = {}  # sha256 of a layer.tar -> the first member holding it
    with tarfile.open(dest, "w") as out:
        for part in parts:
            with tarfile.open(part) as tf:
                for member in tf:
                    name = member.name.removeprefix("./")
                    if name in INDEXES:
                        data = json.load(tf.extractfile(member))  # type: ignore[arg-type]
                        if name == "manifest.json":
                            manifest += [m for m in data if m not in manifest]
                        elif name == "repositories":
                            for repo, tags in data.items():
                                repositories.setdefault(repo, {}).update(tags)
                        else:
                            known = index.setdefault("manifests", [])
                            index = {**data, **index, "manifests": known}
                            known += [m for m in data.get("manifests", []) if m not in known]
                        continue
                    if name in seen:
                        continue
                    seen.add(name)
                    if member.isfile() and name.endswith("/layer.tar"):
                        # Legacy layout: a layer's folder is named per image, so the same
                        # layer comes under another name; the engine links such copies to
                        # the first, and so does this.
                        first = layers.setdefault(_sha256(tf.extractfile(member)), name)
                        if first != name:
                            link = tarfile.TarInfo(name)
                            link.type, link.linkname = tarfile.SYMTYPE, f"../{first}"
                            out.addfile(link)
                            continue
                    out.addfile(member, tf.extractfile(member) if member.isfile() else None)
        for name, value in (("manifest.json", manifest), ("repositories", repositories),
                            ("index.json", index)):
            if value:
                data = json.dumps(value).encode()
                info = tarfile.TarInfo(name)
                info.size, info.mode = len(data), 0o644
                out.addfile(info, io.BytesIO(data))


def load(client: Any, src: Path) -> list[str]:
    with open(src, "rb") as fh:
        images = client.images.load(fh)
    return [t for img in images for t in img.tags]


def prune(client: Any, keep: Sequence[str], log: Log) -> None:
    """Remove kit images whose tags are not in ``keep`` (old recipes)."""
    from docker.errors import APIError

    keep_set = set(keep)
    for img in kit_images(client):
        if img.tags and not (set(img.tags) & keep_set):
            for t in img.tags:
                try:
                    client.images.remove(t, noprune=False)
                    log(f"removed {t}")
                except APIError as exc:
                    log(f"kept {t}: {first_line(exc)}")
