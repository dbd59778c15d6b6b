"""The kit images' pieces that need no image build: saving several images into one
archive, the build lock, the split package's surface."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import pytest

from labkit import images
from labkit.errors import EnvironmentUnavailable

# -- merging `docker save` archives -----------------------------------------------------


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def _saved(path: Path, tag: str, config: str, layers: dict[str, bytes]) -> Path:
    """A legacy-layout `docker save` of one image: its config, its layers, the lists."""
    repo, version = tag.split(":")
    members = {f"{config}.json": b"{}", **{f"{d}/layer.tar": data for d, data in layers.items()},
               "manifest.json": json.dumps([{"Config": f"{config}.json", "RepoTags": [tag],
                                             "Layers": [f"{d}/layer.tar" for d in layers]}]
                                           ).encode(),
               "repositories": json.dumps({repo: {version: config}}).encode()}
    return _archive(path, members)


def test_merged_archive_keeps_shared_layers_once(tmp_path: Path) -> None:
    a = _saved(tmp_path / "a.tar", "kit-a:1", "ca", {"base": b"B" * 100, "only-a": b"A"})
    b = _saved(tmp_path / "b.tar", "kit-b:1", "cb", {"base": b"B" * 100})
    # the engine names a layer's folder per image: the same layer under another name
    c = _saved(tmp_path / "c.tar", "kit-c:1", "cc", {"base-c": b"B" * 100, "c": b"C"})
    out = tmp_path / "both.tar"
    images.merge_archives([a, b, c], out)
    with tarfile.open(out) as tf:
        names = tf.getnames()
        link = tf.getmember("base-c/layer.tar")
        assert link.issym() and link.linkname == "../base/layer.tar"
        assert tf.getmember("c/layer.tar").isfile()
        manifest = json.load(tf.extractfile("manifest.json"))  # type: ignore[arg-type]
        repos = json.load(tf.extractfile("repositories"))  # type: ignore[arg-type]
    assert names.count("base/layer.tar") == 1 and "only-a/layer.tar" in names
    assert sorted(m["RepoTags"][0] for m in manifest) == ["kit-a:1", "kit-b:1", "kit-c:1"]
    assert repos == {"kit-a": {"1": "ca"}, "kit-b": {"1": "cb"}, "kit-c": {"1": "cc"}}
    assert "index.json" not in names  # a legacy archive gets no OCI index


def test_merged_oci_index_lists_every_image(tmp_path: Path) -> None:
    def oci(path: Path, digest: str) -> Path:
        return _archive(path, {"oci-layout": b'{"imageLayoutVersion": "1.0.0"}',
                               f"blobs/sha256/{digest}": b"m",
                               "blobs/sha256/shared": b"layer",
                               "index.json": json.dumps({"schemaVersion": 2, "manifests": [
                                   {"digest": f"sha256:{digest}"}]}).encode()})

    out = tmp_path / "both.tar"
    images.merge_archives([oci(tmp_path / "a.tar", "aa"), oci(tmp_path / "b.tar", "bb")], out)
    with tarfile.open(out) as tf:
        names = tf.getnames()
        index = json.load(tf.extractfile("index.json"))  # type: ignore[arg-type]
    assert names.count("blobs/sha256/shared") == 1 and names.count("oci-layout") == 1
    assert index["schemaVersion"] == 2
    assert [m["digest"] for m in index["manifests"]] == ["sha256:aa", "sha256:bb"]


# -- the build lock ------------------------------------------------------------------------

HOLD = """\
import sys, time
from labkit.images import build_lock
with build_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(name: str, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, name, str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_one_builder_per_tag_waits_for_the_other() -> None:
    name = f"labkit-test:{uuid.uuid4().hex[:8]}"
    holder = _hold(name, 1.5)
    try:
        t = time.monotonic()
        with images.build_lock(name):
            waited = time.monotonic() - t
        assert waited > 0.5, waited  # it held the lock about 1.5 s more
    finally:
        holder.wait(timeout=30)


def test_builders_of_different_tags_do_not_wait() -> None:
    holder = _hold(f"labkit-test:{uuid.uuid4().hex[:8]}", 5.0)
    try:
        t = time.monotonic()
        with images.build_lock(f"labkit-test:{uuid.uuid4().hex[:8]}"):
            waited = time.monotonic() - t
        assert waited < 2.0, waited
    finally:
        holder.kill()
        holder.wait(timeout=30)


# -- saving and loading through the engine ---------------------------------------------


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    try:
        return images.engine()
    except EnvironmentUnavailable as exc:
        pytest.skip(f"no Docker engine: {exc}")


def _tiny_images(client, tag: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Two small images sharing a layer: an imported file system, and an image built FROM
    it with one file more (as a kit image is built FROM its base)."""
    root = io.BytesIO()
    with tarfile.open(fileobj=root, mode="w") as tf:
        data = b"hello from a tiny image\n"
        info = tarfile.TarInfo("hello.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    a, b = f"{tag}-a:1", f"{tag}-b:1"
    client.api.import_image_from_data(root.getvalue(), repository=a.split(":")[0], tag="1",
                                      changes=[f"LABEL {images.LABEL}=1"])
    context = images.build.build_context({
        "Dockerfile": f"FROM {a}\nCOPY more.txt /\nLABEL x=1\n".encode(),
        "more.txt": b"one file more\n"})
    client.images.build(fileobj=context, custom_context=True, tag=b, pull=False,
                        network_mode="none", rm=True)
    return a, b


@pytest.mark.container
def test_save_then_load_gives_back_every_image(client, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tag = f"labkit-test-save-{uuid.uuid4().hex[:8]}"
    a, b = _tiny_images(client, tag)
    try:
        dest = images.save(client, [a, b], tmp_path / "both.tar")
        with tarfile.open(dest) as tf:
            manifest = json.load(tf.extractfile("manifest.json"))  # type: ignore[arg-type]
            members = {m.name: m for m in tf.getmembers()}
        assert sorted(t for m in manifest for t in m["RepoTags"]) == [a, b]
        # the base's one layer is stored once: in the other image it is a link (legacy
        # layout) or the same blob (OCI layout)
        stored = {name for m in manifest for name in m["Layers"] if members[name].isfile()}
        assert len(stored) == 2, [members[n].linkname for m in manifest for n in m["Layers"]]
        for t in (b, a):
            client.images.remove(t, force=True)
        assert sorted(images.load(client, dest)) == [a, b]
        assert client.images.get(b).labels.get("x") == "1"
    finally:
        for t in (b, a):
            try:
                client.images.remove(t, force=True)
            except Exception:  # already gone
                pass
