"""Containers: the same labs and claims inside CPython 3.11, 3.13, 3.14 and 3.15.

Everything here that needs an engine is skipped only when no Docker engine is
reachable; where one exists (this machine, CI) the images are built when missing (from
Debian packages: no registry is needed) and the tests run for real.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from labkit import catalogue, images, planner
from labkit.claims import Status, judge_all
from labkit.errors import EnvironmentUnavailable, UsageError
from labkit.sweep import RunSpec

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
PYTHONS = ("3.11", "3.13", "3.14", "3.15")
DEFAULT_METHOD = {"3.11": "fork", "3.13": "fork", "3.14": "forkserver", "3.15": "forkserver"}


# -- without an engine ---------------------------------------------------------------


def test_no_engine_is_exit_3_with_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/labkit-docker.sock")
    with pytest.raises(EnvironmentUnavailable) as info:
        images.engine()
    assert info.value.exit_code == 3
    text = str(info.value)
    assert "start Docker" in text and "DOCKER_HOST" in text and "nox -s labs" in text


def test_no_engine_through_the_cli(tmp_path: Path) -> None:
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/labkit-docker.sock"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    proc = subprocess.run(
        [sys.executable, "-m", "labkit", "run", "03", "--container", "3.14"],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "DOCKER_HOST" in proc.stderr


def test_container_versions_are_parsed() -> None:
    assert images.parse_pythons("all") == PYTHONS
    assert images.parse_pythons("py3.14,3.11") == ("3.14", "3.11")
    with pytest.raises(UsageError):
        images.parse_pythons("2.7")


def test_tags_are_hashes_of_the_recipe(monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = images.base_recipe("3.14")
    assert recipe.tag == images.base_recipe("3.14").tag  # stable
    assert recipe.tag.startswith("labkit-base-py3.14:")
    assert recipe.suite == "forky" and "python3.14" in recipe.packages
    changed = images.BaseRecipe(**{**vars(recipe), "packages": (*recipe.packages, "procps")})
    assert changed.tag != recipe.tag
    tag = images.runtime_tag("3.14", recipe.tag)
    assert tag == images.runtime_tag("3.14", recipe.tag)
    assert tag != images.runtime_tag("3.14", changed.tag)
    assert images.base_recipe("3.11").suite == "bookworm"
    assert images.base_recipe("3.13").suite == "trixie"
    assert images.base_recipe("3.15").suite == "forky"


def test_the_debian_mirror_comes_from_apt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "sources.list.d"
    d.mkdir()
    (d / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n"
        "Components: main\n\n"
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\n",
        encoding="utf-8",
    )
    (d / "node.list").write_text("deb https://deb.nodesource.com/node_20.x nodistro main\n")
    monkeypatch.delenv("LABKIT_DEBIAN_MIRROR", raising=False)
    assert images.debian_mirror(tmp_path) == "http://mirror.example/debian"
    monkeypatch.setenv("LABKIT_DEBIAN_MIRROR", "http://local/debian")
    assert images.debian_mirror(tmp_path) == "http://local/debian"


def test_devcontainer_uses_the_classroom_dockerfile() -> None:
    text = (ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8")
    config = json.loads(
        "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("//"))
    )
    build = config["build"]
    dockerfile = (ROOT / ".devcontainer" / build["dockerfile"]).resolve()
    assert (ROOT / ".devcontainer" / build["context"]).resolve() == ROOT
    assert dockerfile == (ROOT / "docker" / "classroom.Dockerfile").resolve()
    assert config["remoteUser"] == "lab"


# -- with an engine ------------------------------------------------------------------


@pytest.fixture(scope="session")
def docker_client():
    try:
        client = images.engine()
    except EnvironmentUnavailable as exc:
        pytest.skip(f"no Docker engine: {exc}")
    return client


@pytest.fixture(scope="session")
def kit_images(docker_client):
    """Every kit image, built when missing (never pulled), with the build figures."""
    results = {}
    for py in PYTHONS:
        results[py] = images.ensure(py, docker_client, log=lambda s: print(s, file=sys.stderr))
    return results


def _platform(py: str, client, **options):
    from labkit.platforms.container import ContainerPlatform

    return ContainerPlatform(python=py, client=client, **options)


def _no_leftovers(client, run_id: str) -> None:
    from labkit.platforms.container import leftovers

    assert run_id
    assert leftovers(client, run=run_id) == []


@pytest.mark.container
def test_a_second_build_rebuilds_nothing(docker_client, kit_images) -> None:
    for py, first in kit_images.items():
        t0 = time.monotonic()
        again = images.ensure(py, docker_client)
        took = time.monotonic() - t0
        print(f"py{py}: first {first.seconds:.1f}s (built={first.built}), again {took:.2f}s")
        assert again.tag == first.tag
        assert not again.built
        assert took < 10
        img = docker_client.images.get(first.tag)
        assert img.labels.get("labkit") == "1"


@pytest.mark.container
def test_images_are_never_pulled(docker_client, kit_images, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the kit pulled an image")

    monkeypatch.setattr(docker_client.api, "pull", refuse)
    monkeypatch.setattr(docker_client.images, "pull", refuse)
    plat = _platform("3.14", docker_client)
    [obs] = plat.run([RunSpec("16", "base", str(catalogue.find("16").path()), "default")])
    assert obs.exit_code == 0


@pytest.fixture(scope="session")
def container_sweeps(docker_client, kit_images):
    """The whole catalogue under every method (and default) in every image, side by
    side as `labkit run all -m all --container all` runs it."""
    from labkit.platforms.container import leftovers, run_side_by_side

    plats = [_platform(py, docker_client) for py in PYTHONS]
    specs = [list(planner.plan(planner.Request(labs=("all",), methods=("all",)),
                               p.available_methods(), p.available_methods()[0]).specs)
             for p in plats]
    t0 = time.monotonic()
    got = run_side_by_side(plats, specs)
    print(f"{sum(map(len, specs))} runs in {len(plats)} images in {time.monotonic() - t0:.0f}s")
    assert leftovers(docker_client) == []
    return {py: (kit_images[py].tag, obs) for py, obs in zip(PYTHONS, got, strict=True)}


@pytest.fixture(params=PYTHONS)
def container_sweep(request, container_sweeps):
    tag, observations = container_sweeps[request.param]
    return request.param, tag, observations


@pytest.mark.container
@pytest.mark.slow
def test_the_claims_hold_in_every_image(container_sweep) -> None:
    py, tag, observations = container_sweep
    assert {o.platform["image"] for o in observations} == {tag}
    assert {".".join(o.python["version"].split(".")[:2]) for o in observations} == {py}
    verdicts = judge_all(observations)
    counts = Counter(v.status for v in verdicts)
    failed = [f"{v.claim}[{v.method}]: {v.value} {v.detail}" for v in verdicts
              if v.status == Status.FAIL]
    assert not failed, "\n".join(failed)
    assert counts[Status.PASS] >= 50, counts


@pytest.mark.container
@pytest.mark.slow
def test_the_default_method_per_image(container_sweep) -> None:
    py, _, observations = container_sweep
    defaults = {o.default_start_method for o in observations}
    assert defaults == {DEFAULT_METHOD[py]}
    used = {o.start_method for o in observations if o.requested_start_method == "default"}
    assert used == {DEFAULT_METHOD[py]}


@pytest.mark.container
def test_inside_a_kit_container(docker_client, kit_images) -> None:
    plat = _platform("3.14", docker_client)
    spec = RunSpec("probe", "base", str(TESTS / "containers_probe.py"), "default", timeout=60)
    [obs] = plat.run([spec])
    _no_leftovers(docker_client, plat.last_run_id)
    assert obs.exit_code == 0, obs.texts("stderr")
    line = next(t for t in obs.texts() if t.startswith("PROBE "))
    facts = json.loads(line.removeprefix("PROBE "))
    assert facts["uid"] != 0 and facts["euid"] != 0 and facts["gid"] != 0
    assert facts["interfaces"] == ["lo"]  # only loopback
    assert facts["connect_outside"] == "ENETUNREACH"
    assert facts["write_root"] == "EROFS" and facts["write_etc"] == "EROFS"
    assert "ro" in facts["root_mount"]
    assert facts["write_tmp"] == "ok" and facts["write_shm"] == "ok"
    assert int(facts["cap_eff"], 16) == 0 and int(facts["cap_bnd"], 16) == 0
    assert facts["no_new_privs"] == "1"
    assert "docker-init" in facts["pid1"]  # orphans are reaped
    assert facts["pids_max"] == str(plat.pids_limit)
    assert int(facts["memory_max"]) == 1 << 30
    assert facts["image"] == kit_images["3.14"].tag
    assert facts["default_method"] == "forkserver" and facts["child"] == "child ok"


@pytest.mark.container
def test_a_fork_bomb_is_stopped_by_the_pids_limit(docker_client, kit_images) -> None:
    plat = _platform("3.14", docker_client, pids_limit=64)
    spec = RunSpec("bomb", "base", str(TESTS / "containers_forkbomb.py"), "default", timeout=10)
    latencies: list[float] = []
    failures: list[str] = []
    stop = threading.Event()

    def host_keeps_working() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            try:
                subprocess.run(["true"], check=True, timeout=10)
            except (OSError, subprocess.SubprocessError) as exc:
                failures.append(repr(exc))
            latencies.append(time.perf_counter() - t)
            time.sleep(0.1)

    watcher = threading.Thread(target=host_keeps_working, daemon=True)
    watcher.start()
    try:
        [obs] = plat.run([spec])
    finally:
        stop.set()
        watcher.join()
    _no_leftovers(docker_client, plat.last_run_id)
    refused = [t for t in obs.texts() if t.startswith("refused")]
    assert refused, obs.texts("stderr")[-10:]
    assert all("EAGAIN" in t for t in refused)
    assert len(refused) <= plat.pids_limit  # never more processes than the limit
    assert obs.timed_out  # it never ends by itself: the runner's watchdog ended it
    assert not failures and latencies and max(latencies) < 2.0, (failures, max(latencies))
    if sys.platform == "linux":  # nothing of it left on the host (the host sees them too)
        assert _host_processes_with(f"LABKIT_RUN_ID={obs.run_id}".encode()) == []


def _host_processes_with(needle: bytes) -> list[int]:
    """Host pids whose environment holds ``needle``: a count of all host processes would
    also count whatever else this shared machine is doing."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and needle in Path(f"/proc/{entry}/environ").read_bytes():
                found.append(int(entry))
        except OSError:
            continue
    return found


@pytest.mark.container
def test_a_failing_run_and_a_failing_sweep_leave_nothing(
    docker_client, kit_images, tmp_path
) -> None:
    from labkit.errors import ContainerSweepFailed

    script = tmp_path / "fails.py"
    script.write_text("import sys\nprint('about to fail')\nsys.exit(3)\n", encoding="utf-8")
    plat = _platform("3.13", docker_client)
    [obs] = plat.run([RunSpec(str(script), "base", str(script), "spawn", timeout=30)])
    assert obs.exit_code == 3 and obs.has_text("about to fail")
    assert obs.script == str(script)  # named as on the host
    _no_leftovers(docker_client, plat.last_run_id)
    # the sweep itself fails inside (an unknown method): an error, and still nothing left
    with pytest.raises(ContainerSweepFailed):
        plat.run([RunSpec(str(script), "base", str(script), "no-such-method", timeout=30)])
    _no_leftovers(docker_client, plat.last_run_id)


@pytest.mark.container
def test_the_watchdog_kills_a_container_that_outlives_its_deadline(
    docker_client, kit_images
) -> None:
    from labkit.errors import ContainerSweepFailed

    plat = _platform("3.11", docker_client, deadline=8)
    quick = RunSpec("16", "base", str(catalogue.find("16").path()), "fork", timeout=30)
    spec = RunSpec("sleeper", "base", str(TESTS / "containers_sleeper.py"), "fork", timeout=300)
    t0 = time.monotonic()
    with pytest.raises(ContainerSweepFailed, match="watchdog") as info:
        plat.run([quick, spec])
    assert time.monotonic() - t0 < 60
    assert [o.lab for o in info.value.observations] == ["16"]  # what finished comes back
    _no_leftovers(docker_client, plat.last_run_id)


def _owned_by(client, pid: int) -> list[str]:
    flt = {"label": f"labkit.owner={socket.gethostname()}:{pid}"}
    return [c.name for c in client.containers.list(all=True, filters=flt)] + [
        v.name for v in client.volumes.list(filters=flt)
    ]


@pytest.mark.container
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupting_a_run_leaves_nothing(docker_client, kit_images, sig, tmp_path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "labkit", "run", str(TESTS / "containers_sleeper.py"),
         "--container", "3.14", "--timeout", "120"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            running = docker_client.containers.list(
                filters={"label": f"labkit.owner={socket.gethostname()}:{proc.pid}"}
            )
            if running:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.2)
        else:
            pytest.fail("the run's container never started")
        time.sleep(2)  # mid-run: the sleeper's child is asleep
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == (130 if sig == signal.SIGINT else 128 + sig), err
    assert "Traceback" not in err
    assert _owned_by(docker_client, proc.pid) == []


@pytest.mark.container
def test_stale_leftovers_are_swept(docker_client, kit_images) -> None:
    from labkit.platforms.container import sweep_stale

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    made = []
    try:
        for owner in (dead.pid, os.getpid()):
            labels = {"labkit": "1", "labkit.owner": f"{host}:{owner}", "labkit.run": "stale-test"}
            vol = docker_client.volumes.create(labels=labels)
            ctr = docker_client.containers.create(
                kit_images["3.14"].tag, ["true"], labels=labels, network_mode="none"
            )
            made += [ctr, vol]
        removed = sweep_stale(docker_client)
        assert _owned_by(docker_client, dead.pid) == []
        assert len(_owned_by(docker_client, os.getpid())) == 2  # a live owner is left alone
        assert len(removed) >= 2
    finally:
        for obj in made:
            try:
                obj.remove(force=True)
            except Exception:
                pass


@pytest.mark.container
def test_the_classroom_image(docker_client) -> None:
    first = images.ensure_classroom(docker_client, log=lambda s: print(s, file=sys.stderr))
    again = images.ensure_classroom(docker_client)
    assert again.tag == first.tag and not again.built
    line = images.classroom_run_args(first.tag)
    assert line[:3] == ["docker", "run", "--rm"] and "--network" in line and first.tag in line
    ctr = docker_client.containers.create(
        first.tag,
        ["bash", "-lc", "labkit list >/dev/null && python3.14 -c 'import labkit, rich, psutil' "
         "&& ls labs/03_join.py && id -u && python3.13 -V && python3.15 -V"],
        labels={"labkit": "1", "labkit.run": "classroom-test"},
        network_mode="none", cap_drop=["ALL"], security_opt=["no-new-privileges"],
    )  # fmt: skip
    try:
        ctr.start()
        status = ctr.wait(timeout=120)["StatusCode"]
        out = ctr.logs().decode()
    finally:
        ctr.remove(force=True)
    assert status == 0, out
    assert "1000" in out and "Python 3.13" in out and "Python 3.15" in out


@pytest.mark.container
def test_images_can_be_carried_to_an_offline_machine(docker_client, kit_images, tmp_path) -> None:
    import tarfile

    dest = images.save(docker_client, [kit_images["3.14"].tag], tmp_path / "labkit-py3.14.tar")
    with tarfile.open(dest) as tf:
        manifest = json.load(tf.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert manifest[0]["RepoTags"] == [kit_images["3.14"].tag]
    assert images.load(docker_client, dest) == [kit_images["3.14"].tag]


# -- images side by side (no engine needed: fake platforms) ----------------------------


class _FakeImage:
    """Stands in for a ContainerPlatform: records when each of its runs happened."""

    def __init__(self, name: str, log: list, fail: bool = False, hang: bool = False) -> None:
        self.name, self.log, self.fail, self.hang = name, log, fail, hang
        self.cancelled = threading.Event()
        self.built = 0
        self.jobs = 4

    def image(self) -> str:
        self.built += 1
        return self.name

    def cancel(self) -> None:
        self.cancelled.set()

    def run(self, specs, progress=None):  # type: ignore[no-untyped-def]
        from types import SimpleNamespace

        from labkit.errors import ContainerSweepFailed

        self.log.append(("start", self.name, tuple(s.concurrent for s in specs)))
        if self.hang:
            self.cancelled.wait(30)
        else:
            time.sleep(0.05)
        out = [SimpleNamespace(lab=s.lab, variant=s.variant, requested_start_method=s.method,
                               repeat=s.repeat, where=self.name) for s in specs]
        for i, s in enumerate(specs, 1):
            if progress:
                progress({"event": "done", "index": i, "total": len(specs), "lab": s.lab})
        self.log.append(("end", self.name, tuple(s.concurrent for s in specs)))
        if self.fail or self.cancelled.is_set():
            raise ContainerSweepFailed(f"{self.name}: failed", out[:1])
        return out


def _mixed_specs() -> list[RunSpec]:
    return [RunSpec("03", "base", "x.py", "fork", concurrent=False),
            RunSpec("02", "base", "x.py", "fork"),
            RunSpec("14", "base", "x.py", "spawn", concurrent=False),
            RunSpec("02", "base", "x.py", "spawn")]


def test_images_side_by_side_then_timing_runs_alone() -> None:
    from labkit.platforms.container import run_side_by_side

    log: list = []
    plats = [_FakeImage(n, log) for n in ("a", "b", "c")]
    events: list[tuple[str, int, int]] = []
    progress = [lambda e, n=p.name: events.append((n, e["index"], e["total"])) for p in plats]
    got = run_side_by_side(plats, [_mixed_specs()] * 3, progress)
    # Every image's results in the order of its specs.
    assert [p.jobs for p in plats] == [2, 2, 2]  # the machine shared: 8 // 3 runs each
    for plat, obs in zip(plats, got, strict=True):
        assert [(o.lab, o.requested_start_method) for o in obs] == [
            ("03", "fork"), ("02", "fork"), ("14", "spawn"), ("02", "spawn")]
        assert {o.where for o in obs} == {plat.name}
        assert plat.built == 1
    # The shared runs of all images first, together; then each image's timing runs,
    # one image at a time, nothing else running beside them.
    shared = [e for e in log if e[2] == (True, True)]
    timing = [e for e in log if e[2] == (False, False)]
    assert len(shared) == 6 and len(timing) == 6
    assert log.index(timing[0]) > max(log.index(e) for e in shared)
    assert [e[0] for e in timing] == ["start", "end"] * 3
    # Progress counts the whole of each image: the timing part continues the shared one.
    for name in ("a", "b", "c"):
        assert [i for n, i, _ in events if n == name] == [1, 2, 3, 4]
        assert {t for n, _, t in events if n == name} == {4}


def test_images_side_by_side_a_failure_stops_no_other_image() -> None:
    from labkit.errors import ContainerSweepFailed
    from labkit.platforms.container import run_side_by_side

    log: list = []
    plats = [_FakeImage("ok", log), _FakeImage("bad", log, fail=True)]
    kept: list = []
    with pytest.raises(ContainerSweepFailed) as info:
        run_side_by_side(plats, [_mixed_specs()] * 2, on_result=kept.append)
    assert "bad: failed" in str(info.value)
    # All four of the good image, and what came back from each part of the bad one.
    assert [o.where for o in info.value.observations].count("ok") == 4
    assert [o.where for o in info.value.observations].count("bad") == 2
    assert len(kept) == 6


def test_images_side_by_side_an_interrupt_cancels_every_image() -> None:
    from labkit.platforms.container import run_side_by_side

    log: list = []
    plats = [_FakeImage("a", log, hang=True), _FakeImage("b", log, hang=True)]
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))  # to the process
    timer.start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_side_by_side(plats, [_mixed_specs()] * 2)
    assert all(p.cancelled.is_set() for p in plats)
    assert time.monotonic() - t0 < 20  # not the fakes' 30 s: they were cancelled
    assert not [e for e in log if e[2] == (False, False)]  # no timing part after it


class _VanishingContainers:
    """The SDK's list(): ids first, then an inspect of each; one container is removed
    in between (by another run), which raises NotFound unless ``ignore_removed``."""

    def list(self, all=False, filters=None, ignore_removed=False):  # type: ignore[no-untyped-def]
        from types import SimpleNamespace

        from docker.errors import NotFound

        if not ignore_removed:
            raise NotFound("No such container: gone")
        return [SimpleNamespace(name="labkit-py3.14-kept", labels={"labkit": "1"})]


@pytest.mark.parametrize("look", ["sweep_stale", "leftovers"])
def test_a_container_removed_while_listed_is_no_error(look: str) -> None:
    from types import SimpleNamespace

    from labkit.platforms import container

    client = SimpleNamespace(containers=_VanishingContainers(),
                             volumes=SimpleNamespace(list=lambda filters=None: []))
    got = getattr(container, look)(client)
    assert got == ([] if look == "sweep_stale" else ["container labkit-py3.14-kept"])
