"""The harness itself: forcing methods, tracing, watchdog, cleanup, encodings, volume."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

from labkit import runner
from labkit.errors import MethodUnavailable, UsageError
from labkit.runner import RunOptions

SCRIPTS = Path(__file__).parent / "scripts"

METHODS = runner.available_methods()
needs_proc = pytest.mark.skipif(
    not Path("/proc").is_dir(), reason="needs /proc to find a run's processes"
)


def leftovers(run_id: str) -> list[int]:
    """Processes of a run still alive a moment after it ended (the sweep is Linux's)."""
    deadline = time.monotonic() + 2
    alive = runner.run_members(run_id)
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = runner.run_members(run_id)
    return alive


@pytest.mark.parametrize("method", METHODS)
def test_method_is_forced_from_outside(method: str) -> None:
    obs = runner.run(SCRIPTS / "method_probe.py", RunOptions(method=method, timeout=60))
    assert obs.exit_code == 0, obs.texts("stderr")
    assert obs.start_method == method
    assert f"method {method}" in obs.texts()
    child = obs.children[0]
    assert child.method == method
    # The tracer ran inside the child (spawn children and fork-server children too).
    assert child.started_t is not None and child.started_t > child.start_requested_t
    assert any(line.pid == obs.main.pid for line in obs.output)  # type: ignore[union-attr]
    if method == "forkserver":
        assert any(p.role == "forkserver" for p in obs.processes)


def test_default_method_is_the_platforms() -> None:
    obs = runner.run(SCRIPTS / "method_probe.py", RunOptions(method="default", timeout=60))
    assert obs.requested_start_method == "default"
    assert obs.start_method == obs.default_start_method
    assert f"method {obs.default_start_method}" in obs.texts()


@needs_proc
@pytest.mark.parametrize("method", METHODS)
def test_watchdog_ends_the_whole_tree(method: str) -> None:
    t = time.monotonic()
    obs = runner.run(SCRIPTS / "hang_child.py", RunOptions(method=method, timeout=3))
    assert obs.timed_out
    assert time.monotonic() - t < 30  # generous: the watchdog fired, nothing hung
    assert "child up" in obs.texts() and "parent waits" in obs.texts()
    # Children, the resource tracker, the fork server: nothing of the run is left.
    assert leftovers(obs.run_id) == []


@needs_proc
@pytest.mark.skipif("spawn" not in METHODS, reason="spawn is not available")
def test_unguarded_pool_under_spawn_is_ended() -> None:
    lab = Path(__file__).parents[1] / "labs" / "10_guard_pool.py"
    obs = runner.run(lab, RunOptions(method="spawn", timeout=4))
    assert obs.timed_out
    assert leftovers(obs.run_id) == []


def test_each_run_has_its_own_working_directory_and_leaves_none(script) -> None:  # type: ignore[no-untyped-def]
    path = script("import os\nprint(os.getcwd())\nopen('db.txt', 'w').write('x')\n")
    a = runner.run(path, RunOptions(timeout=30))
    b = runner.run(path, RunOptions(timeout=30))
    cwd_a, cwd_b = a.texts()[0], b.texts()[0]
    assert cwd_a != cwd_b and Path(path).parent.as_posix() not in (cwd_a, cwd_b)
    assert not Path(cwd_a).exists() and not Path(cwd_b).exists()
    assert not (Path(path).parent / "db.txt").exists()
    left = [p for p in os.listdir(tempfile.gettempdir()) if p.startswith(f"labkit-{a.run_id}")]
    assert left == []


@pytest.mark.parametrize("method", [m for m in ("spawn", "fork") if m in METHODS])
def test_large_and_undecodable_output_is_kept(method: str) -> None:
    obs = runner.run(SCRIPTS / "big_output.py", RunOptions(method=method, timeout=120))
    assert obs.exit_code == 0
    child = obs.children[0]
    lines = [o for o in obs.output if o.text.startswith("line ")]
    assert len(lines) == 100_000
    assert [o.text for o in lines[:2]] == ["line 0", "line 1"] and lines[-1].text == "line 99999"
    assert all(o.pid == child.pid for o in lines)
    assert [o.t for o in lines] == sorted(o.t for o in lines)
    assert "中文输出 ✓" in obs.texts()
    bad = obs.first_line("not utf-8")
    assert bad is not None and bad.b64 is not None and bad.pid == obs.main.pid  # type: ignore[union-attr]
    import base64

    assert base64.b64decode(bad.b64) == b"not utf-8: \xff\xfe end"
    fd_level = obs.first_line("fd-level", "stderr")
    assert fd_level is not None and fd_level.pid is None and fd_level.b64 is not None
    assert obs.texts()[-1] == "partial line without newline"


def test_a_failing_script_is_recorded_not_raised() -> None:
    obs = runner.run(SCRIPTS / "fails.py", RunOptions(method=METHODS[0], timeout=60))
    assert obs.exit_code == 1 and not obs.timed_out
    assert obs.children[0].exitcode == 3
    assert obs.has_text("RuntimeError: the script itself fails", "stderr")
    main = obs.main
    assert main is not None and main.exitcode == 1 and main.ended_t is not None
    for p in obs.children:
        assert p.start_requested_t is not None and p.started_t is not None
        assert p.start_requested_t <= p.started_t <= p.ended_t  # type: ignore[operator]


def test_bad_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such script"):
        runner.run(tmp_path / "missing.py", RunOptions())
    with pytest.raises(UsageError, match="is a directory"):
        runner.run(tmp_path, RunOptions())
    with pytest.raises(UsageError, match="unknown start method"):
        runner.check_method("thread")


def test_a_method_this_platform_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "available_methods", lambda: ("spawn",))
    with pytest.raises(MethodUnavailable, match=f"not available on {sys.platform}") as err:
        runner.check_method("fork")
    assert err.value.exit_code == 2


@needs_proc
def test_run_members_sees_a_live_process_of_the_run() -> None:
    """The leftover check above is only worth something if it can see a live process."""
    import subprocess

    env = dict(os.environ, LABKIT_RUN_ID="probe-1234")
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], env=env)
    try:
        assert runner.run_members("probe-1234") == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert runner.run_members("probe-1234") == []


@needs_proc
@pytest.mark.skipif("spawn" not in METHODS, reason="spawn is not available")
def test_a_killed_run_leaves_no_semaphores_behind(tmp_path: Path) -> None:
    """The watchdog spares the resource tracker a moment, so it unlinks the run's
    named semaphores instead of leaking them in /dev/shm.

    The run's own semaphores are told apart from other runs' on the machine by the
    inodes its processes map while it hangs (glibc maps them under a temporary name).
    """
    import threading

    lab = tmp_path / "pool_for_semaphore_test.py"  # a unique command line to find it by
    lab.write_text((Path(__file__).parents[1] / "labs" / "10_guard_pool.py").read_text("utf-8"),
                   encoding="utf-8")
    result: list = []
    worker = threading.Thread(
        target=lambda: result.append(runner.run(lab, RunOptions(method="spawn", timeout=5)))
    )
    worker.start()
    inodes: set[int] = set()
    while worker.is_alive():
        for pid in _pids_running(lab.name):
            run_id = _environ(pid).get("LABKIT_RUN_ID")
            for member in runner.run_members(run_id) if run_id else ():
                inodes |= _semaphores_mapped(member)
        time.sleep(0.2)
    worker.join()
    (obs,) = result
    assert obs.timed_out
    assert inodes, "the run's semaphores were never seen: the check would prove nothing"
    left = []
    for sem in Path("/dev/shm").glob("sem.*"):
        try:
            if sem.stat().st_ino in inodes:
                left.append(sem.name)
        except OSError:
            pass  # unlinked while we looked
    assert left == []


def _pids_running(needle: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and needle.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return {}
    return dict(x.decode("utf-8", "replace").split("=", 1) for x in raw if b"=" in x)


def _semaphores_mapped(pid: int) -> set[int]:
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return set()
    # address perms offset dev inode path: the inode is the fifth field
    return {int(line.split()[4]) for line in maps.splitlines() if "/dev/shm/sem." in line}
