"""Runs a sweep inside a kit container (one CPython version) through the Docker SDK.

One container per sweep: the harness (``src/labkit``), the labs, any other script of
the plan and the plan itself go in as one archive (``put_archive`` into a fresh labelled
volume: the root filesystem is read-only and nothing from the host is bind-mounted);
``python3.X -m labkit.sweep`` runs every RunSpec; its progress lines come back on the
log stream; the Observations come out as an archive (``get_archive``) and are checked
on the host like any others.

Hardened by default: no network, an unprivileged user, a read-only root with a tmpfs
for temp files, a writable ``/dev/shm`` (multiprocessing's semaphores live there), a
pids and a memory limit, every capability dropped, no-new-privileges, and an init
process that reaps orphans. Everything created carries ``labkit=1`` and
``labkit.run=<id>`` and is removed in ``finally`` (Ctrl-C too); labelled leftovers of
dead owners are swept before each run; a watchdog, inside (``timeout``) and outside
(the host kills the container), ends a sweep that outlives its deadline.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import tarfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

import labkit
from labkit import images
from labkit.errors import ContainerSweepFailed, UsageError
from labkit.observation import Observation
from labkit.sweep import RunSpec

LABEL = images.LABEL
JOB = PurePosixPath("/work/job")  # inside the container, on the run's volume
KIT = JOB / "kit"
Progress = Callable[[dict], None]


@dataclass
class ContainerPlatform:
    python: str = "3.14"
    jobs: int = 4  # concurrent runs inside the container (as natively)
    pids_limit: int = 256  # tasks (processes and threads) in the whole container
    mem_limit: str = "1g"  # no swap beyond it
    tmp_size: str = "256m"  # the tmpfs at /tmp (TMPDIR): run folders, sockets
    shm_size: str = "256m"  # /dev/shm: semaphores, shared memory
    slack: float = 60.0  # seconds added to the plan's own timeouts before the watchdog fires
    deadline: float | None = None  # override the watchdog deadline (seconds)
    log: Callable[[str], None] | None = None  # image build output (default: stderr)
    client: Any = None  # a docker.DockerClient; one is made on first use
    name: str = field(init=False)

    def __post_init__(self) -> None:
        self.python = images.parse_pythons(self.python)[0]
        self.name = f"container:{self.python}"
        self._image: str | None = None
        self.last_run_id = ""  # the labkit.run label of the latest run (tests, diagnostics)
        self._live: Any = None  # the container running now, for cancel()
        self._killed = threading.Event()

    # -- the Platform protocol --------------------------------------------------------

    def available_methods(self) -> tuple[str, ...]:
        """Linux: all three; ordered default-first like ``get_all_start_methods()``."""
        if tuple(int(x) for x in self.python.split(".")) >= (3, 14):
            return ("forkserver", "fork", "spawn")
        return ("fork", "spawn", "forkserver")

    def run(self, specs: Sequence[RunSpec], progress: Progress | None = None) -> list[Observation]:
        if not specs:
            return []
        client = self._client()
        sweep_stale(client)
        image = self.image()
        payload, container_specs = build_payload(specs)
        run_id = self.last_run_id = uuid.uuid4().hex[:12]
        deadline = self.deadline or (sum(s.timeout for s in specs) + 3.0 * len(specs) + self.slack)
        labels = {
            LABEL: "1",
            f"{LABEL}.run": run_id,
            f"{LABEL}.owner": f"{socket.gethostname()}:{os.getpid()}",
            f"{LABEL}.deadline": str(int(time.time() + deadline + 30)),
            f"{LABEL}.python": self.python,
        }
        container = volume = None
        watchdog: threading.Timer | None = None
        killed = self._killed = threading.Event()
        try:
            with _term_as_exit():
                volume = client.volumes.create(name=f"labkit-{run_id}", labels=labels)
                container = client.containers.create(
                    image,
                    command=[
                        *("timeout", "-s", "KILL", str(int(deadline))),  # the inner watchdog
                        *(f"python{self.python}", "-m", "labkit.sweep"),
                        *(str(JOB / "plan.json"), str(JOB / "out"), "--jobs", str(self.jobs)),
                    ],
                    name=f"labkit-py{self.python}-{run_id}",
                    labels=labels,
                    environment={
                        "LABKIT_IMAGE": image,
                        "PYTHONPATH": str(KIT / "src"),
                        "LABKIT_LABS": str(KIT / "labs"),
                        "TMPDIR": "/tmp",
                        "HOME": "/tmp",
                        "PYTHONDONTWRITEBYTECODE": "1",
                        "PYTHONUNBUFFERED": "1",
                        "LANG": "C.UTF-8",
                    },
                    working_dir=str(KIT),
                    **hardening(
                        volume.name,
                        pids_limit=self.pids_limit,
                        mem_limit=self.mem_limit,
                        tmp_size=self.tmp_size,
                        shm_size=self.shm_size,
                    ),
                )
                container.put_archive("/work", payload(container_specs))
                self._live = container
                if killed.is_set():  # cancelled while it was being made
                    _kill(container, killed)
                container.start()
                watchdog = threading.Timer(deadline + 10, _kill, (container, killed))
                watchdog.daemon = True
                watchdog.start()
                tail = _follow(container, progress, self.name, image)
                status = container.wait(timeout=deadline + 60).get("StatusCode", -1)
                observations = _collect(container)
                return _finish(specs, container_specs, observations, status, killed, tail, self)
        finally:
            self._live = None
            if watchdog is not None:
                watchdog.cancel()
            with _sigint_deferred():
                _remove(container, volume)

    def cancel(self) -> None:
        """Kill the container now (from another thread): ``run`` then cleans up and
        raises ``ContainerSweepFailed`` with the runs that came back."""
        self._killed.set()
        if self._live is not None:
            _kill(self._live, self._killed)

    # -- helpers ----------------------------------------------------------------------

    def _client(self) -> Any:
        if self.client is None:
            self.client = images.engine()
        return self.client

    def image(self) -> str:
        """The kit image for this Python, built if missing (never pulled)."""
        if self._image is None:
            self._image = images.ensure(self.python, self._client(), self.log).tag
        return self._image


def hardening(
    volume: str,
    pids_limit: int = 256,
    mem_limit: str = "1g",
    tmp_size: str = "256m",
    shm_size: str = "256m",
) -> dict[str, Any]:
    """The create() options every kit container gets."""
    return {
        "user": f"{images.UID}:{images.UID}",
        "network_mode": "none",
        "read_only": True,
        "tmpfs": {"/tmp": f"rw,nosuid,nodev,noexec,size={tmp_size},mode=1777"},
        "shm_size": shm_size,
        "volumes": {volume: {"bind": "/work", "mode": "rw"}},
        "pids_limit": pids_limit,
        "mem_limit": mem_limit,
        "memswap_limit": mem_limit,
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "init": True,
        "ipc_mode": "private",
        "stdin_open": False,
        "tty": False,
        "detach": True,
    }


# -- what goes in: the kit, the labs, the scripts, the plan ---------------------------


def build_payload(
    specs: Sequence[RunSpec],
) -> tuple[Callable[[Sequence[RunSpec]], bytes], list[RunSpec]]:
    """Map each spec's script to its place in the container; return a tar maker + specs."""
    from labkit import catalogue

    pkg = Path(labkit.__file__).resolve().parent
    labs = catalogue.labs_dir().resolve()
    files: dict[str, Path] = {}
    _add_tree(files, pkg, "kit/src/labkit")
    if labs.is_dir():
        _add_tree(files, labs, "kit/labs")
    others: dict[Path, str] = {}
    mapped = []
    for spec in specs:
        host = Path(spec.script)
        host = (host if host.is_absolute() else Path.cwd() / host).resolve()
        if not host.is_file():
            raise UsageError(f"no such script: {spec.script}")
        if host.is_relative_to(labs):
            inside = KIT / "labs" / host.relative_to(labs).as_posix()
        else:
            if host not in others:
                others[host] = f"user/{len(others)}/{host.name}"
                files[others[host]] = host
            inside = JOB / others[host]
        # The invoking folder does not exist inside the container: a fresh one there.
        mapped.append(replace(spec, script=str(inside), cwd=None))

    def payload(container_specs: Sequence[RunSpec]) -> bytes:
        plan = json.dumps([s.to_dict() for s in container_specs], indent=1).encode()
        return _tar(files, {"plan.json": plan}, dirs=("out", "user"))

    return payload, mapped


def _add_tree(files: dict[str, Path], root: Path, prefix: str) -> None:
    for p in sorted(root.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc":
            files[f"{prefix}/{p.relative_to(root).as_posix()}"] = p


def _tar(files: dict[str, Path], extra: dict[str, bytes], dirs: Sequence[str]) -> bytes:
    """job/… owned by the container's user; directories first, deterministic order."""
    buf = io.BytesIO()
    uid = images.UID
    all_dirs = {"", *dirs}
    for name in [*files, *extra]:
        parts = name.split("/")[:-1]
        all_dirs.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for d in sorted(all_dirs):
            ti = tarfile.TarInfo(f"job/{d}".rstrip("/"))
            ti.type, ti.mode, ti.uid, ti.gid, ti.mtime = tarfile.DIRTYPE, 0o755, uid, uid, 0
            tf.addfile(ti)
        blobs = {n: p.read_bytes() for n, p in files.items()} | extra
        for name, data in sorted(blobs.items()):
            ti = tarfile.TarInfo(f"job/{name}")
            ti.size, ti.mode, ti.uid, ti.gid, ti.mtime = len(data), 0o644, uid, uid, 0
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


# -- while it runs ----------------------------------------------------------------------


def _follow(container: Any, progress: Progress | None, name: str, image: str) -> list[str]:
    """Read the log stream; each ``done`` line drives progress; keep the rest as a tail."""
    tail: deque[str] = deque(maxlen=60)
    pending = b""
    for chunk in container.logs(stream=True, follow=True, stdout=True, stderr=True):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            _line(raw.decode("utf-8", "replace"), progress, name, image, tail)
    if pending:
        _line(pending.decode("utf-8", "replace"), progress, name, image, tail)
    return list(tail)


def _line(text: str, progress: Progress | None, name: str, image: str, tail: deque) -> None:
    event = None
    if text.startswith("{"):
        with contextlib.suppress(ValueError):
            event = json.loads(text)
    if isinstance(event, dict) and event.get("event") == "done":
        if progress:
            progress({**event, "platform": name, "image": image})
    elif text.strip():
        tail.append(text)


def _kill(container: Any, killed: threading.Event) -> None:
    killed.set()
    with contextlib.suppress(Exception):
        container.kill()


# -- what comes out ---------------------------------------------------------------------


def _collect(container: Any) -> list[Observation]:
    from docker.errors import NotFound

    try:
        stream, _ = container.get_archive(str(JOB / "out"))
    except NotFound:
        return []
    data = io.BytesIO(b"".join(stream))
    out = []
    with tarfile.open(fileobj=data, mode="r:") as tf:
        for m in tf:
            if m.isfile() and m.name.endswith(".json"):
                f = tf.extractfile(m)
                if f is not None:
                    out.append(Observation.from_dict(json.loads(f.read().decode("utf-8"))))
    return out


def _finish(
    specs: Sequence[RunSpec],
    container_specs: Sequence[RunSpec],
    observations: list[Observation],
    status: int,
    killed: threading.Event,
    tail: list[str],
    platform: ContainerPlatform,
) -> list[Observation]:
    """Observations in the order of ``specs``, scripts named as on the host."""
    ordered = []
    for spec, inside, o in zip(specs, container_specs, _by_spec(specs, observations),
                               strict=True):
        if o is not None:
            host = str(Path(spec.script).resolve()) if o.script == inside.script else o.script
            ordered.append(replace(o, script=host))
    if killed.is_set() or status in (137, -9) or status != 0 or len(ordered) != len(specs):
        why = (
            "killed by the watchdog (the sweep outlived its deadline)"
            if killed.is_set() or status == 137
            else f"the sweep exited with status {status}"
        )
        raise ContainerSweepFailed(
            f"{platform.name}: {why}; {len(ordered)} of {len(specs)} runs came back.\n  "
            + "\n  ".join(tail[-20:]),
            ordered,
        )
    return ordered


# -- cleanup ----------------------------------------------------------------------------


def _remove(container: Any, volume: Any) -> None:
    from docker.errors import APIError, NotFound

    if container is not None:
        with contextlib.suppress(NotFound):
            try:
                container.remove(force=True, v=True)
            except APIError:
                time.sleep(1)  # a removal already in progress: give it a moment
                with contextlib.suppress(NotFound):
                    container.remove(force=True, v=True)
    if volume is not None:
        for _ in range(10):
            try:
                volume.remove(force=True)
                break
            except NotFound:
                break
            except APIError:  # still in use while the container goes
                time.sleep(0.5)


def _owner_gone(labels: dict[str, str], grace: float = 30.0) -> bool:
    """A leftover is stale when its owner process is gone, or well past its deadline."""
    owner = labels.get(f"{LABEL}.owner", "")
    host, _, pid = owner.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
        return True
    try:
        return time.time() > float(labels.get(f"{LABEL}.deadline", "inf")) + grace
    except ValueError:
        return False


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would send CTRL_C_EVENT on Windows
        try:
            import psutil

            return bool(psutil.pid_exists(pid))
        except ImportError:
            return True  # unknown: leave it to the deadline
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(client: Any) -> list[str]:
    """Remove labelled containers and volumes left by runs whose owner is gone.

    Only objects with an owner label are considered (a student's classroom shell has
    none), and only when that owner no longer runs here or its deadline is long past:
    another sweep running at the same moment is never touched.
    """
    from docker.errors import APIError, NotFound

    removed = []
    # ignore_removed: the SDK lists, then inspects each; one that another run removes in
    # between (runs side by side, a second terminal) is gone, not an error.
    for c in client.containers.list(all=True, filters={"label": f"{LABEL}.owner"},
                                    ignore_removed=True):
        if _owner_gone(c.labels):
            with contextlib.suppress(NotFound, APIError):
                c.remove(force=True, v=True)
                removed.append(f"container {c.name}")
    for v in client.volumes.list(filters={"label": f"{LABEL}.owner"}):
        if _owner_gone(v.attrs.get("Labels") or {}):
            with contextlib.suppress(NotFound, APIError):
                v.remove(force=True)
                removed.append(f"volume {v.name}")
    return removed


def leftovers(client: Any, run: str | None = None) -> list[str]:
    """Containers and volumes carrying the kit's label (optionally one run's)."""
    flt = {"label": f"{LABEL}.run={run}" if run else f"{LABEL}=1"}
    names = [f"container {c.name}"
             for c in client.containers.list(all=True, filters=flt, ignore_removed=True)]
    names += [f"volume {v.name}" for v in client.volumes.list(filters=flt)]
    return names


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Cleanup must finish: a second Ctrl-C during it is held until it is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    old = signal.signal(signal.SIGINT, lambda s, f: got.append(s))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    if got:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _term_as_exit() -> Iterator[None]:
    """SIGTERM (CI cancelling a job, ``kill``) unwinds like Ctrl-C, so ``finally`` runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    from labkit import interrupts

    # The kit's one handler: raised once (as Ctrl-C is), repeats during cleanup counted.
    old = signal.signal(signal.SIGTERM, interrupts.handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


# -- many images ------------------------------------------------------------------------


def run_images(
    pythons: str | Sequence[str],
    specs: Sequence[RunSpec],
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    **options: Any,
) -> dict[str, list[Observation]]:
    """The same sweep in each kit image (see ``run_side_by_side``).

    ``pythons``: "all", "3.14", "3.11,3.14" or a list. Returns Observations per image
    name (``container:3.14``); each Observation's ``platform["image"]`` names its tag.
    """
    versions = images.parse_pythons(pythons)
    client = images.engine()
    plats = [ContainerPlatform(python=py, client=client, log=log, **options) for py in versions]
    got = run_side_by_side(plats, [specs] * len(plats), [progress] * len(plats))
    return {plat.name: obs for plat, obs in zip(plats, got, strict=True)}


SIDE_BY_SIDE_JOBS = 8  # runs at once over all images side by side


def run_side_by_side(
    plats: Sequence[ContainerPlatform],
    specs: Sequence[Sequence[RunSpec]],
    progress: Sequence[Progress | None] | None = None,
    on_result: Callable[[Observation], None] | None = None,
) -> list[list[Observation]]:
    """Each platform's specs: the runs that may share the machine in every image at
    once, then the timing runs image by image, alone as they are natively.

    A sweep mostly waits in the labs' sleeps, so four images side by side take little
    longer than one. Results come back per platform in the order of its specs. A
    failed image does not stop the others: the first failure is raised at the end,
    carrying every Observation that came back. An interrupt kills every container.
    """
    from concurrent.futures import ThreadPoolExecutor

    n = len(plats)
    progress = list(progress or [None] * n)
    for plat in plats:
        plat.image()  # build or reuse each image first, one at a time
        # The machine's share: with four images side by side, two runs each at a time.
        # Sixteen at once left a spawn child unable to boot within a lab's 1 s sleep
        # on a 2-core machine with one core busy (and the labs' claims then fail).
        plat.jobs = max(1, min(plat.jobs, SIDE_BY_SIDE_JOBS // n))
    together = [[i for i, s in enumerate(ss) if s.concurrent] for ss in specs]
    alone = [[i for i, s in enumerate(ss) if not s.concurrent] for ss in specs]
    got: list[dict[int, Observation]] = [{} for _ in plats]
    failures: list[ContainerSweepFailed] = []
    lock = threading.Lock()

    def part(k: int, indices: list[int], offset: int) -> None:
        if not indices:
            return
        report = progress[k]

        def moved(event: dict) -> None:  # the part's count, as a count of the whole
            if report:
                report({**event, "index": offset + event["index"], "total": len(specs[k])})

        try:
            obs = plats[k].run([specs[k][i] for i in indices], moved)
        except ContainerSweepFailed as err:
            obs = err.observations
            with lock:
                failures.append(err)
        back = _by_spec([specs[k][i] for i in indices], obs)
        with lock:
            for i, o in zip(indices, back, strict=True):
                if o is not None:
                    got[k][i] = o
                    if on_result:
                        on_result(o)

    if n == 1:
        part(0, together[0] + alone[0], 0)
    else:
        pool = ThreadPoolExecutor(max_workers=n)
        try:
            for fut in [pool.submit(part, k, together[k], 0) for k in range(n)]:
                fut.result()
        except BaseException:
            for plat in plats:  # Ctrl-C lands here, in the waiting thread
                plat.cancel()
            pool.shutdown(wait=True)
            raise
        pool.shutdown(wait=True)
        for k in range(n):
            part(k, alone[k], len(together[k]))
    if failures:
        kept = [o for k in range(n) for _, o in sorted(got[k].items())]
        raise ContainerSweepFailed("\n".join(str(f) for f in failures), kept)
    return [[o for _, o in sorted(got[k].items())] for k in range(n)]


def _by_spec(
    specs: Sequence[RunSpec], observations: Sequence[Observation]
) -> list[Observation | None]:
    """The Observation of each spec, or None (a sweep that failed half-way)."""
    pool: dict[tuple, list[Observation]] = {}
    for o in observations:
        pool.setdefault((o.lab, o.variant, o.requested_start_method, o.repeat), []).append(o)
    found = [pool.get((s.lab, s.variant, s.method, s.repeat)) for s in specs]
    return [f.pop(0) if f else None for f in found]
