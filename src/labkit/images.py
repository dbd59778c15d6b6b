"""Kit images: one per CPython version, plus the classroom image, built and reused.

Never pulls implicitly. An image is tagged with a hash of its recipe
(``docker/recipes.toml``, the Dockerfile, the build arguments, and for an official base
the id of that image) and is built only when that tag is missing, so a second build with
nothing changed builds nothing. The base of an image is, in this order of preference:

1. the official ``python:<ver>-slim`` when it is already in the engine;
2. a root filesystem built from Debian packages with ``mmdebstrap`` (or ``debootstrap``)
   from the apt mirror this machine is configured with, imported into the engine: works
   with no container registry at all;
3. the official image pulled on request (``LABKIT_BASE=official``): an explicit pull.

``LABKIT_BASE=debian|official|auto`` forces a source; ``LABKIT_DEBIAN_MIRROR`` overrides the
mirror. The docker SDK is a host extra, imported only when an engine is needed.
``python -m labkit.images build|list|save|load|prune|run-line`` drives it by hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.errors import EnvironmentUnavailable, LabkitError, UsageError

LABEL = "labkit"  # every object the kit creates carries LABEL=1
RECIPE_VERSION = "1"  # bump to rebuild every image (a change in how images are made)
UID = 1000
Log = Callable[[str], None]


# -- where things are -------------------------------------------------------------------


def kit_root() -> Path:
    """The checkout: the folder holding ``src/labkit`` and ``docker/``."""
    env = os.environ.get("LABKIT_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "docker" / "recipes.toml").is_file():
            return parent
    return here.parents[2]


def docker_dir() -> Path:
    d = Path(os.environ.get("LABKIT_DOCKER_DIR") or kit_root() / "docker")
    if not (d / "recipes.toml").is_file():
        raise EnvironmentUnavailable(
            f"the image recipes are missing ({d / 'recipes.toml'}): run from a labkit "
            "checkout, or set LABKIT_DOCKER_DIR to its docker/ folder"
        )
    return d


def recipes() -> dict[str, Any]:
    return tomllib.loads((docker_dir() / "recipes.toml").read_text(encoding="utf-8"))


def pythons() -> tuple[str, ...]:
    """The CPython versions that have a kit image, oldest first."""
    return tuple(sorted(recipes()["python"], key=lambda v: tuple(int(x) for x in v.split("."))))


def parse_pythons(arg: str | Sequence[str]) -> tuple[str, ...]:
    """``all``, ``3.14``, ``3.11,3.14`` or ``py3.14`` → known versions; else a usage error."""
    items = [arg] if isinstance(arg, str) else list(arg)
    known = pythons()
    out: list[str] = []
    for item in items:
        for part in str(item).split(","):
            v = part.strip().removeprefix("py").removeprefix("python")
            if not v:
                continue
            if v == "all":
                out.extend(known)
            elif v in known:
                out.append(v)
            else:
                raise UsageError(
                    f"no kit image for Python {part.strip()!r}: choose from "
                    f"{', '.join(known)} or all"
                )
    return tuple(dict.fromkeys(out))


# -- the engine -------------------------------------------------------------------------


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
            f"no Docker engine reachable at {where} ({_first_line(exc)}): {hint}"
        ) from None
    if os_type != "linux":
        raise EnvironmentUnavailable(
            f"the Docker engine at {where} runs {os_type} containers; the kit images are "
            f"Linux: switch the engine to Linux containers, or {hint.split(', or ', 1)[-1]}"
        )
    return client


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def image_exists(client: Any, ref: str) -> bool:
    from docker.errors import ImageNotFound

    try:
        client.images.get(ref)
        return True
    except ImageNotFound:
        return False


# -- logging with progress --------------------------------------------------------------


class StreamLog:
    """Build output, line by line, prefixed with the elapsed time and what is building."""

    def __init__(self, sink: Log | None = None) -> None:
        self.t0 = time.monotonic()
        self.sink = sink or (lambda s: print(s, file=sys.stderr, flush=True))

    def __call__(self, what: str, line: str) -> None:
        line = line.rstrip()
        if line:
            self.sink(f"[{time.monotonic() - self.t0:7.1f}s] {what}: {line}")


# -- recipes and tags -------------------------------------------------------------------


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        data = p if isinstance(p, bytes) else json.dumps(p, sort_keys=True).encode()
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:12]


@dataclass(frozen=True)
class BaseRecipe:
    name: str  # "py3.14" or "classroom"
    suite: str
    packages: tuple[str, ...]
    official: str
    variant: str
    aptopt: tuple[str, ...]
    dpkgopt: tuple[str, ...]

    @property
    def tag(self) -> str:
        d = _digest(
            RECIPE_VERSION, self.suite, self.packages, self.variant, self.aptopt, self.dpkgopt
        )
        return f"labkit-base-{self.name}:{d}"


def base_recipe(python: str | None = None, classroom: bool = False) -> BaseRecipe:
    r = recipes()
    deb = r["debian"]
    entry = r["classroom"] if classroom else r["python"][python]
    return BaseRecipe(
        name="classroom" if classroom else f"py{python}",
        suite=entry["suite"],
        packages=tuple(entry["packages"]),
        official=entry["official"],
        variant=deb.get("variant", "essential"),
        aptopt=tuple(deb.get("aptopt", ())),
        dpkgopt=tuple(deb.get("dpkgopt", ())),
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


# -- base images ------------------------------------------------------------------------


def _base_mode() -> str:
    mode = os.environ.get("LABKIT_BASE", "auto").strip().lower() or "auto"
    if mode not in ("auto", "debian", "official"):
        raise UsageError(f"LABKIT_BASE={mode!r}: choose auto, debian or official")
    return mode


def bootstrap_tool() -> str | None:
    for tool in ("mmdebstrap", "debootstrap"):
        if shutil.which(tool):
            return tool
    return None


def ensure_base(
    client: Any, recipe: BaseRecipe, log: StreamLog, steps: list[tuple[str, float]]
) -> tuple[str, str]:
    """The base image reference to build FROM and the text that identifies it in a tag."""
    mode = _base_mode()
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
                f"cannot pull {recipe.official} ({_first_line(exc)}): unset LABKIT_BASE to "
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
    with _lock(recipe.tag):
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


@contextlib.contextmanager
def _lock(name: str) -> Iterator[None]:
    """One builder per tag on this machine (parallel test workers, two terminals)."""
    try:
        import fcntl
    except ImportError:  # Windows: the engine is remote anyway
        yield
        return
    d = Path(tempfile.gettempdir()) / "labkit-locks"
    path = d / (re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".lock")
    try:
        d.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):
            d.chmod(0o1777)  # shared by every user of this machine
        fh = open(path, "a")  # noqa: SIM115 - closed below
    except OSError:  # another user's lock file: build without the lock
        yield
        return
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# -- kit images -------------------------------------------------------------------------


def runtime_tag(python: str, base_id: str) -> str:
    dockerfile = (docker_dir() / "Dockerfile").read_bytes()
    args = _runtime_args(python)
    return f"labkit-py{python}:{_digest(RECIPE_VERSION, dockerfile, args, base_id)}"


def _runtime_args(python: str) -> dict[str, str]:
    return {"PYTHON": f"python{python}", "UID": str(UID)}


def planned_tag(client: Any, python: str) -> str | None:
    """The tag ``ensure(python)`` would give, if it can be known without building."""
    recipe = base_recipe(python)
    mode = _base_mode()
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
        return _result(client, tag, False, time.monotonic() - t0)
    steps: list[tuple[str, float]] = []
    recipe = base_recipe(python)
    base_ref, base_id = ensure_base(client, recipe, slog, steps)
    tag = runtime_tag(python, base_id)
    with _lock(tag):
        if not image_exists(client, tag):
            t = time.monotonic()
            context = _context({"Dockerfile": (docker_dir() / "Dockerfile").read_bytes()})
            _build(
                client,
                context,
                tag,
                {"BASE": base_ref, **_runtime_args(python)},
                {f"{LABEL}.kind": "runtime", f"{LABEL}.python": python},
                slog,
                f"py{python}",
            )
            steps.append(("docker build", time.monotonic() - t))
    res = _result(client, tag, True, time.monotonic() - t0)
    res.base, res.steps = base_ref, steps
    return res


def _result(client: Any, tag: str, built: bool, seconds: float) -> BuildResult:
    size = int(client.images.get(tag).attrs.get("Size") or 0)
    return BuildResult(tag=tag, built=built, seconds=seconds, size=size)


def _context(files: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in sorted(files.items()):
            ti = tarfile.TarInfo(name)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, 0
            tf.addfile(ti, io.BytesIO(data))
    buf.seek(0)
    return buf


def _build(
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


# -- the classroom image ----------------------------------------------------------------

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
    return files, _digest(sorted((k, hashlib.sha256(v).hexdigest()) for k, v in files.items()))


def ensure_classroom(client: Any | None = None, log: Log | StreamLog | None = None) -> BuildResult:
    client = client or engine()
    slog = log if isinstance(log, StreamLog) else StreamLog(log)
    t0 = time.monotonic()
    recipe = base_recipe(classroom=True)
    python = recipes()["classroom"]["python"]
    args = {"PYTHON": f"python{python}", "UID": str(UID)}
    files, files_id = _classroom_context()
    steps: list[tuple[str, float]] = []
    mode = _base_mode()
    # The Debian classroom base carries rich/psutil/pytest; prefer it unless told otherwise.
    debian_ok = image_exists(client, recipe.tag) or bootstrap_tool() is not None
    if mode == "official" or (mode == "auto" and not debian_ok):
        base_ref, base_id = ensure_base(client, recipe, slog, steps)
    else:
        if not image_exists(client, recipe.tag):
            build_debian_base(client, recipe, slog, steps)
        base_ref = base_id = recipe.tag
    tag = f"labkit-classroom:{_digest(RECIPE_VERSION, files_id, args, base_id)}"
    built = False
    with _lock(tag):
        if not image_exists(client, tag):
            t = time.monotonic()
            _build(
                client,
                _context(files),
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
    res = _result(client, tag, built, time.monotonic() - t0)
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


# -- sizes, saving and loading for offline classrooms -----------------------------------


def kit_images(client: Any) -> list[Any]:
    return client.images.list(filters={"label": f"{LABEL}=1"})


def save(client: Any, tags: Sequence[str], dest: Path, log: Log | None = None) -> Path:
    """``docker save`` through the SDK: one tarball to carry to a machine without a registry.

    Several images go into one archive (``/images/get?names=…``), so layers they share
    are stored once.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    api = client.api
    res = api._get(api._url("/images/get"), params={"names": list(tags)}, stream=True)
    api._raise_for_status(res)
    with open(dest, "wb") as fh:
        for chunk in res.iter_content(chunk_size=1 << 20):
            fh.write(chunk)
    if log:
        log(f"saved {', '.join(tags)} to {dest} ({dest.stat().st_size / 1e6:.0f} MB)")
    return dest


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
                    log(f"kept {t}: {_first_line(exc)}")


# -- python -m labkit.images -------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m labkit.images", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build (or reuse) kit images; prints what it did")
    b.add_argument("--python", default="all", help="3.11, 3.14, 3.11,3.14 or all")
    b.add_argument("--classroom", action="store_true", help="the classroom image too")
    b.add_argument("--json", type=Path, help="write the results as JSON here")
    sub.add_parser("list", help="kit images in the engine")
    s = sub.add_parser("save", help="docker save the current images to one tarball")
    s.add_argument("dest", type=Path)
    s.add_argument("--python", default="all")
    s.add_argument("--classroom", action="store_true")
    lo = sub.add_parser("load", help="docker load a tarball made by save")
    lo.add_argument("src", type=Path)
    sub.add_parser("prune", help="remove kit images of older recipes")
    r = sub.add_parser("run-line", help="print the docker run line for the classroom")
    r.add_argument("--workdir", type=Path, help="a host folder to keep work in (/home/lab/work)")
    sh = sub.add_parser(
        "shell",
        help="build the classroom image and open a shell in it "
        "(without a terminal: print the docker run line instead)",
    )
    sh.add_argument("--workdir", type=Path, help="a host folder to keep work in (/home/lab/work)")
    sh.add_argument("--print", action="store_true", help="only print the docker run line")
    ns = ap.parse_args(argv)
    try:
        client = engine()
        slog = StreamLog()  # one clock for the whole build
        if ns.cmd == "build":
            results = {}
            for py in parse_pythons(ns.python):
                results[f"py{py}"] = ensure(py, client, slog)
            if ns.classroom:
                results["classroom"] = ensure_classroom(client, slog)
            for res in results.values():
                print(res.line())
                for what, sec in res.steps:
                    print(f"    {what}: {sec:.1f}s")
            if ns.json:
                ns.json.parent.mkdir(parents=True, exist_ok=True)
                ns.json.write_text(
                    json.dumps({k: vars(v) for k, v in results.items()}, indent=1),
                    encoding="utf-8",
                )
        elif ns.cmd == "list":
            for img in kit_images(client):
                print(f"{', '.join(img.tags) or img.short_id:60} {img.attrs['Size'] / 1e6:6.0f} MB")
        elif ns.cmd == "save":
            tags = [ensure(py, client).tag for py in parse_pythons(ns.python)]
            if ns.classroom:
                tags.append(ensure_classroom(client).tag)
            save(client, tags, ns.dest, print)
        elif ns.cmd == "load":
            print("\n".join(load(client, ns.src)))
        elif ns.cmd == "prune":
            keep = [t for py in pythons() if (t := planned_tag(client, py))]
            keep += [base_recipe(py).tag for py in pythons()]
            keep += [base_recipe(classroom=True).tag, "labkit-classroom:latest"]
            prune(client, keep, print)
        elif ns.cmd == "run-line":
            tag = ensure_classroom(client).tag
            print(shlex.join(classroom_run_args(tag, ns.workdir)))
        elif ns.cmd == "shell":
            res = ensure_classroom(client, slog)
            print(res.line(), file=sys.stderr)
            return open_shell(res.tag, ns.workdir, only_print=ns.print)
    except LabkitError as exc:
        print(f"labkit: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the engine refused something (docker.errors.*)
        if type(exc).__module__.startswith(("docker", "requests", "urllib3")):
            print(f"labkit: the Docker engine: {_first_line(exc)}", file=sys.stderr)
            return EnvironmentUnavailable.exit_code
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
