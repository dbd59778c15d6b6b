"""Containment and signals: whatever the script does, the run ends whole, and nothing of
it is left running; a planted trace file cannot break or block the kit.

End-to-end cases run the CLI on this machine (Linux: they read /proc to check what is
left). The macOS and Windows logic runs here too, behind its seams: fake psutil
processes, a fake kernel32, no /proc, no pidfd.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from labkit import contain, drain, runner, trace_read
from labkit.contain import ProcInfo, RunTree, linux, macos, posix, windows
from labkit.observation import Observation

SCRIPTS = Path(__file__).parent / "scripts" / "contain"
LABKIT = [sys.executable, "-m", "labkit"]
on_linux = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not Path("/proc").is_dir(),
    reason="checks what is left through /proc (Linux)",
)


# -- helpers: start the CLI, read what the scripts noted, look for leftovers --------------


def start(script: str, *args: str, note: Path, hup: object = None,
          **env: str) -> subprocess.Popen[str]:
    """The kit as a terminal starts it: SIGHUP at its default, whatever the suite got
    (under ``nohup`` the suite's own SIGHUP is ignored, and the kit would inherit that);
    ``hup``: the disposition to start it with instead."""
    disposition = signal.SIG_DFL if hup is None else hup
    return subprocess.Popen(
        [*LABKIT, "run", str(SCRIPTS / script), "-m", "fork", "--timeout", "60", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, CONTAIN_NOTE=str(note), COLUMNS="200", LC_ALL="C.UTF-8", **env),
        preexec_fn=lambda: signal.signal(signal.SIGHUP, disposition),
    )


def notes(path: Path, count: int = 1, timeout: float = 30.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            found = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
            if len(found) >= count:
                return found
        time.sleep(0.05)
    raise AssertionError(f"the script never noted {count} thing(s) in {path}")


def state(pid: int) -> str | None:
    """The process' state letter, or None when it is gone (or only a zombie)."""
    p = linux.read_stat(str(pid))
    return None if p is None or p.zombie else (Path(f"/proc/{pid}/stat").read_text()
                                                .rsplit(")", 1)[1].split()[0])


def session_members(sid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            p = linux.read_stat(name)
            if p is not None and p.sid == sid and not p.zombie:
                out.append(p.pid)
    return out


def leftovers(run_id: str, pids: list[int] = (), sids: list[int] = ()) -> dict[str, list]:  # type: ignore[assignment]
    """What a run left: live processes (by run id, pid, session), stopped ones, folders."""
    tmp = Path(tempfile.gettempdir())
    found = {
        "processes": sorted(set(runner.run_members(run_id))
                            | {p for p in pids if state(p)}
                            | {p for s in sids for p in session_members(s)}),
        "stopped": [p for p in pids if state(p) in ("T", "t")],
        "folders": [str(f) for base in (tmp, Path("/dev/shm")) if base.is_dir()
                    for f in base.glob(f"labkit-{run_id}-*")],
    }
    return {k: v for k, v in found.items() if v}


def settle(run_id: str, pids: list[int] = (), sids: list[int] = (),  # type: ignore[assignment]
           within: float = 3.0) -> dict[str, list]:
    """Leftovers once a moment has passed (a killed process takes a moment to go)."""
    deadline = time.monotonic() + within
    while (left := leftovers(run_id, pids, sids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.startswith("labkit:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# -- 1. signals --------------------------------------------------------------------------


@on_linux
def test_sigterm_from_the_script_to_its_parent_ends_the_run(tmp_path: Path) -> None:
    note = tmp_path / "note"
    proc = start("term_parent.py", note=note)
    _, err = proc.communicate(timeout=60)
    got = notes(note, 2)
    assert proc.returncode == 143, err
    assert one_line(err) == "labkit: interrupted by SIGTERM: the run's processes were ended"
    assert settle(got[0]["run_id"], [g["pid"] for g in got]) == {}


@on_linux
@pytest.mark.parametrize(("sig", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_a_stop_signal_from_outside_ends_the_run(tmp_path: Path, sig: str, code: int) -> None:
    note = tmp_path / "note"
    proc = start("hang.py", note=note)
    got = notes(note, 2)
    assert all(state(g["pid"]) for g in got)  # the tree is up before the signal
    t = time.monotonic()
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - t
    assert proc.returncode == code, err
    assert one_line(err) == f"labkit: interrupted by {sig}: the run's processes were ended"
    assert took < 20, f"{took:.1f} s to end after {sig} (the watchdog was 60 s)"
    assert settle(got[0]["run_id"], [g["pid"] for g in got]) == {}


@on_linux
def test_under_nohup_a_hangup_does_not_end_the_run(tmp_path: Path) -> None:
    """SIGHUP ignored when the kit starts (nohup, a shell's disown) stays ignored: the
    run goes on; a SIGTERM then still ends it (the counter-example to the test above)."""
    note = tmp_path / "note"
    proc = start("hang.py", note=note, hup=signal.SIG_IGN)
    got = notes(note, 2)
    proc.send_signal(signal.SIGHUP)
    with pytest.raises(subprocess.TimeoutExpired):
        proc.communicate(timeout=1.5)
    assert all(state(g["pid"]) for g in got)  # still running
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert settle(got[0]["run_id"], [g["pid"] for g in got]) == {}


@on_linux
@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="named semaphores live in /dev/shm")
def test_an_interrupted_run_leaves_no_named_semaphore(tmp_path: Path) -> None:
    note = tmp_path / "note"
    proc = start("sem_hold.py", note=note)
    got = notes(note, 2)
    (main,) = [g for g in got if g["role"] == "main"]
    sem = Path("/dev/shm") / ("sem." + main["sem"].lstrip("/"))
    assert sem.exists()  # the counter-example: while the run lives, so does its semaphore
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "interrupted by SIGTERM" in one_line(err)
    assert settle(main["run_id"], [g["pid"] for g in got]) == {}
    assert not sem.exists()


def _killed_run(script: str, note: Path) -> tuple[Observation, Path]:
    """Run a script that holds a named semaphore until the watchdog kills it."""
    os.environ["CONTAIN_NOTE"] = str(note)
    try:
        obs = runner.run(SCRIPTS / script, runner.RunOptions(method="fork", timeout=3))
    finally:
        del os.environ["CONTAIN_NOTE"]
    (holder,) = [g for g in notes(note, 1) if "sem" in g]
    assert obs.timed_out
    return obs, Path("/dev/shm") / ("sem." + holder["sem"].lstrip("/"))


@on_linux
@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="named semaphores live in /dev/shm")
def test_the_tracker_is_spared_to_unlink_what_it_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the kit's own unlinking, the resource tracker still gets the run's
    semaphores (what macOS, which has no /dev/shm to look in, relies on)."""
    monkeypatch.setattr(runner, "unlink_semaphores", lambda run_id, since=None: 0)
    obs, sem = _killed_run("sem_hold.py", tmp_path / "note")
    assert sem.name.startswith(f"sem.mp-lk{obs.run_id}-")
    assert not sem.exists(), "the resource tracker was not spared to unlink it"


@on_linux
@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="named semaphores live in /dev/shm")
@pytest.mark.parametrize("kit_unlinks", [True, False], ids=["kit", "counter-example"])
@pytest.mark.parametrize(
    "script", ["sem_unregistered.py", "sem_unregistered_child.py"], ids=["main", "spawn-child"]
)
def test_a_semaphore_the_tracker_never_heard_of_is_unlinked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kit_unlinks: bool, script: str
) -> None:
    if not kit_unlinks:  # the counter-example: without it the name would stay till reboot
        monkeypatch.setattr(runner, "unlink_semaphores", lambda run_id, since=None: 0)
    obs, sem = _killed_run(script, tmp_path / "note")
    try:
        assert sem.name.startswith(f"sem.mp-lk{obs.run_id}-")
        assert sem.exists() is not kit_unlinks
    finally:
        sem.unlink(missing_ok=True)


@on_linux
@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="named semaphores live in /dev/shm")
@pytest.mark.parametrize("kit_unlinks", [True, False], ids=["kit", "counter-example"])
def test_a_semaphore_half_made_when_killed_is_unlinked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kit_unlinks: bool
) -> None:
    """glibc's temporary file of a sem_open() the watchdog cut short (seen once in ten
    suite runs) is gone after the run; the counter-example shows it would stay."""
    if not kit_unlinks:
        monkeypatch.setattr(runner, "unlink_half_made", lambda since: 0)
    os.environ["CONTAIN_NOTE"] = str(tmp_path / "note")
    try:
        obs = runner.run(SCRIPTS / "sem_half_made.py", runner.RunOptions(method="fork", timeout=3))
    finally:
        del os.environ["CONTAIN_NOTE"]
    (main,) = notes(tmp_path / "note", 1)
    left = Path("/dev/shm") / main["file"]
    try:
        assert obs.timed_out
        assert left.exists() is not kit_unlinks
    finally:
        left.unlink(missing_ok=True)


def test_only_half_made_semaphores_no_one_holds_are_unlinked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file but the first is a counter-example the cleanup must leave alone."""
    import mmap

    monkeypatch.setattr(runner, "SHM", str(tmp_path))
    since = time.time()

    def made(name: str) -> Path:
        path = tmp_path / name
        path.write_bytes(bytes(32))
        return path

    orphan = made("sem.Ab3dE9")
    held = made("sem.HeLd01")
    mapped = made("sem.MaPd02")
    old = made("sem.OlD003")
    os.utime(old, (since - 60, since - 60))
    linked = made("sem.LiNk04")
    os.link(linked, tmp_path / "sem.mp-lkreal")
    others = [made("sem.mp-abcdefgh"), made("sem.abc"), made("sem.Ab-dE9"), made("Ab3dE9")]
    with open(held, "rb"), open(mapped, "r+b") as f:
        view = mmap.mmap(f.fileno(), 32)
        f.close()  # only the mapping holds it now
        try:
            assert runner.unlink_half_made(since) == 1
        finally:
            view.close()
    assert not orphan.exists()
    assert all(p.exists() for p in [held, mapped, old, linked, *others])


@on_linux
@pytest.mark.parametrize("attempt", range(3))
def test_a_double_ctrl_c_neither_freezes_nor_deadlocks(tmp_path: Path, attempt: int) -> None:
    note = tmp_path / "note"
    proc = start("hang.py", note=note)
    got = notes(note, 2)
    t = time.monotonic()
    proc.send_signal(signal.SIGINT)
    time.sleep(0.001)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - t
    assert proc.returncode == 130, err
    assert one_line(err) == "labkit: interrupted by SIGINT: the run's processes were ended"
    assert took < 20, f"{took:.1f} s: the kit waited for its watchdog"
    assert settle(got[0]["run_id"], [g["pid"] for g in got]) == {}


@on_linux
def test_finished_runs_are_kept_when_a_later_run_is_interrupted(tmp_path: Path) -> None:
    note, once, js = tmp_path / "note", tmp_path / "once", tmp_path / "runs.json"
    proc = start("term_parent.py", "--repeat", "2", "--out", str(tmp_path / "out"),
                 "--json", str(js), note=note, CONTAIN_ONCE=str(once))
    _, err = proc.communicate(timeout=60)
    got = notes(note, 2)
    assert proc.returncode == 143, err
    assert "interrupted by SIGTERM" in one_line(err)
    kept = [Observation.from_dict(json.loads(f.read_text()))
            for f in (tmp_path / "out").glob("*.json")]
    assert [o.texts() for o in kept] == [["first run finishes"]], kept
    assert settle(got[0]["run_id"], [g["pid"] for g in got]) == {}
    kept_json = json.loads(js.read_text())  # --json keeps them too
    kept_json = kept_json if isinstance(kept_json, list) else [kept_json]
    assert [o["run_id"] for o in kept_json] == [o.run_id for o in kept]


def test_a_repeated_signal_is_counted_not_raised_again() -> None:
    from labkit import interrupts

    interrupts._received.clear()
    with pytest.raises(interrupts.Stopped) as first:
        interrupts._handler(signal.SIGTERM, None)
    interrupts._handler(signal.SIGINT, None)  # during cleanup: must not raise
    assert first.value.exit_code == 143 and first.value.name == "SIGTERM"
    assert interrupts.received() == (signal.SIGTERM, signal.SIGINT)
    assert interrupts.stop_code(KeyboardInterrupt()) == 130
    interrupts._received.clear()


def test_the_interrupt_line_says_what_is_true(monkeypatch: pytest.MonkeyPatch) -> None:
    from labkit import cli, interrupts

    stop = interrupts.Stopped(signal.SIGHUP)
    monkeypatch.setattr(contain, "_opened", [])
    monkeypatch.setattr(contain, "_survivors", [])
    assert cli.interrupted_line(stop) == "interrupted by SIGHUP before any run started"
    assert cli.interrupted_line(stop, in_container=True).endswith("processes were ended")
    monkeypatch.setattr(contain, "_opened", ["r"])
    assert cli.interrupted_line(stop) == "interrupted by SIGHUP: the run's processes were ended"
    monkeypatch.setattr(contain, "_survivors", ["pid 9 (x)"])
    assert cli.interrupted_line(stop) == (
        "interrupted by SIGHUP: 1 process(es) of the run could not be ended: pid 9 (x)")
    from labkit import i18n

    i18n.set_language("zh")
    try:
        assert cli.interrupted_line(stop) == (
            "被 SIGHUP 中断：本次运行有 1 个进程未能结束：pid 9 (x)")
    finally:
        i18n.set_language("en")


@on_linux
def test_an_interrupt_while_the_main_starts_leaves_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict = {}

    def cut(proc, run_id, api=None):  # type: ignore[no-untyped-def]
        seen.update(pid=proc.pid, run_id=run_id)
        time.sleep(0.5)  # the main is up (and has started its child) when the signal lands
        raise KeyboardInterrupt

    monkeypatch.setattr(contain, "open_tree", cut)
    with pytest.raises(KeyboardInterrupt):
        runner.run(SCRIPTS / "hang.py", runner.RunOptions(method="fork", timeout=30))
    assert settle(seen["run_id"], [seen["pid"]]) == {}


# -- 2. escapes ---------------------------------------------------------------------------


Ran = tuple[subprocess.CompletedProcess[str], Observation, list[dict], float]


def run_json(script: str, tmp_path: Path, timeout: float = 60) -> Ran:
    note, js, beat = tmp_path / "note", tmp_path / "obs.json", tmp_path / "beat"
    t = time.monotonic()
    r = subprocess.run(
        [*LABKIT, "run", str(SCRIPTS / script), "-m", "fork", "--timeout", "30",
         "--json", str(js)],
        capture_output=True, text=True, timeout=timeout,
        env=dict(os.environ, CONTAIN_NOTE=str(note), CONTAIN_BEAT=str(beat), COLUMNS="200",
                 LC_ALL="C.UTF-8"),  # the lines checked are the English ones
    )
    took = time.monotonic() - t
    return r, Observation.from_dict(json.loads(js.read_text())), notes(note, 1, 5), took


@on_linux
def test_a_setsid_child_with_a_scrubbed_environment_is_ended(tmp_path: Path) -> None:
    r, obs, got, _ = run_json("setsid_scrubbed.py", tmp_path)
    (esc,) = [g for g in got if g["role"] == "escapee"]
    assert r.returncode == 0, r.stderr
    assert obs.has_text("main done") and obs.survivors == ()
    assert settle(obs.run_id, [esc["pid"]], [esc["sid"]]) == {}


@on_linux
def test_escapees_of_runs_side_by_side_are_all_ended(tmp_path: Path) -> None:
    note, js = tmp_path / "note", tmp_path / "runs.json"
    r = subprocess.run(
        [*LABKIT, "run", str(SCRIPTS / "setsid_scrubbed.py"), "-m", "fork", "--jobs", "3",
         "--repeat", "6", "--timeout", "30", "--json", str(js)],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, CONTAIN_NOTE=str(note), LC_ALL="C.UTF-8"),
    )
    escapees = [g for g in notes(note, 6, 5) if g["role"] == "escapee"]
    assert r.returncode == 0, r.stderr
    assert len(escapees) == 6  # none could be told apart by environment, group or session
    runs = [Observation.from_dict(d) for d in json.loads(js.read_text())]
    # No run's sweep took another run's main in the instant it was being started.
    assert [(o.exit_code, o.has_text("main done")) for o in runs] == [(0, True)] * 6
    assert settle("-", [g["pid"] for g in escapees], [g["sid"] for g in escapees]) == {}


@on_linux
def test_a_setsid_child_forking_every_5_ms_is_ended(tmp_path: Path) -> None:
    r, obs, got, took = run_json("setsid_forker.py", tmp_path)
    (forker,) = got
    assert r.returncode == 0, r.stderr
    assert obs.has_text("main done") and obs.survivors == ()
    assert settle(obs.run_id, sids=[forker["sid"]]) == {}
    assert took < 20, f"{took:.1f} s"
    beat = tmp_path / "beat"  # a listing can miss a pid that lives 5 ms: its beat cannot
    assert beat.exists(), "the forker never forked"
    before = beat.stat().st_size
    time.sleep(0.5)
    assert beat.stat().st_size == before, "the forker still forks"


@on_linux
def test_a_double_forked_daemon_with_no_environment_is_ended(tmp_path: Path) -> None:
    r, obs, got, _ = run_json("double_fork.py", tmp_path)
    (daemon,) = got
    assert r.returncode == 0, r.stderr
    assert obs.has_text("main done") and obs.survivors == ()
    assert settle(obs.run_id, [daemon["pid"]], [daemon["sid"]]) == {}


@on_linux
def test_orphans_that_came_back_to_the_kit_are_reaped() -> None:
    assert linux.become_subreaper()
    obs = runner.run(SCRIPTS / "double_fork.py", runner.RunOptions(method="fork", timeout=30))
    kids = [p for p in linux.LinuxApi().snapshot(None, "") if p.ppid == os.getpid()]
    assert obs.has_text("main done")
    assert [p for p in kids if p.zombie] == []


@on_linux
def test_survivors_are_kept_in_the_saved_observation_and_checked_on_load(tmp_path: Path) -> None:
    import dataclasses

    from labkit import load
    from labkit.errors import UsageError

    r, obs, _, _ = run_json("setsid_scrubbed.py", tmp_path)
    kept = dataclasses.replace(obs, survivors=("pid 4242 (stuck)",))
    good = tmp_path / "good.json"
    good.write_text(kept.to_json())
    (back,) = load.load([good]).observations
    assert back.survivors == ("pid 4242 (stuck)",)
    from rich.console import Console

    from labkit import show

    screen = Console(width=200, record=True)
    screen.print(show.observation_view(back))
    assert "not ended: pid 4242 (stuck)" in " ".join(screen.export_text().split())
    bad = tmp_path / "bad.json"
    bad.write_text(kept.to_json().replace('"pid 4242 (stuck)"', "4242"))
    with pytest.raises(UsageError, match="survivors"):
        load.load([bad])


# -- survivors and readers ---------------------------------------------------------------


class FakeApi:
    """A ProcessApi over a list of fake processes; records every call; some won't die."""

    can_freeze = True
    can_list = True

    def __init__(self, procs: list[ProcInfo], immortal: set[int] = frozenset(),  # type: ignore[assignment]
                 self_pid: int = 1000) -> None:
        self.procs = {p.pid: p for p in procs}
        self.immortal = immortal
        self.self_pid = self_pid
        self.calls: list[tuple[str, int]] = []

    def snapshot(self, since: float | None, run_id: str) -> list[ProcInfo]:
        return list(self.procs.values())

    def started(self, pid: int) -> float | None:
        p = self.procs.get(pid)
        return p.started if p else None

    def freeze(self, p: ProcInfo) -> None:
        self.calls.append(("freeze", p.pid))

    def thaw(self, p: ProcInfo) -> None:
        self.calls.append(("thaw", p.pid))

    def kill(self, p: ProcInfo) -> None:
        self.calls.append(("kill", p.pid))
        if p.pid not in self.immortal:
            self.procs.pop(p.pid, None)

    def kill_group(self, pgid: int) -> None:
        self.calls.append(("killpg", pgid))
        for p in list(self.procs.values()):
            if p.pgid == pgid and p.pid not in self.immortal:
                self.procs.pop(p.pid)

    def freeze_group(self, pgid: int) -> None:
        self.calls.append(("stoppg", pgid))

    def end_job(self) -> None:
        self.calls.append(("end_job", 0))

    def reap(self, p: ProcInfo) -> None:
        self.calls.append(("reap", p.pid))


def test_a_survivor_the_kit_cannot_end_is_named() -> None:
    api = FakeApi([ProcInfo(2000, 1000, 5.0, 2000, 2000, name="python"),
                   ProcInfo(2001, 1, 6.0, 3000, 3000, run_id="r1", name="stuck")],
                  immortal={2001})
    tree = RunTree(api, root_pid=2000, run_id="r1")
    try:
        ending = tree.sweep(limit_s=0.3)
    finally:
        tree.close()
    assert ending.survivors == ("pid 2001 (stuck)",)
    assert ("killpg", 2000) in api.calls and ("killpg", 3000) in api.calls
    assert 2000 not in api.procs and ("kill", 2001) in api.calls
    assert "pid 2001 (stuck)" in contain.survivors_so_far()


def test_a_sweep_ends_when_passes_find_nothing_and_names_no_one() -> None:
    api = FakeApi([ProcInfo(2000, 1000, 5.0, 2000, 2000, name="python")])
    tree = RunTree(api, root_pid=2000, run_id="r2")
    try:
        ending = tree.sweep(limit_s=5)
    finally:
        tree.close()
    assert ending.survivors == () and ending.passes == 1 + contain.QUIET_PASSES
    assert ending.killed == 1 and api.procs == {} and ("killpg", 2000) in api.calls


@pytest.mark.parametrize(("now_started", "ours"), [(5.0, True), (99.0, False)])
def test_the_mains_pid_taken_by_another_process_is_not_the_run(
    now_started: float, ours: bool
) -> None:
    # pid 2000 was the run's main (started 5.0); at 99.0 the pid names another process,
    # a group and session leader like the main was: its group is not the run's.
    api = FakeApi([ProcInfo(2000, 1, now_started, 2000, 2000, name="other"),
                   ProcInfo(2001, 2000, now_started + 1, 2000, 2000, name="its child")])
    tree = RunTree(api, root_pid=2000, run_id="r3", root_started=5.0)
    try:
        tree.sweep(limit_s=1)
    finally:
        tree.close()
    assert (api.procs == {}) is ours
    assert (("killpg", 2000) in api.calls) is ours


def test_stray_zombies_the_kit_inherited_are_reaped_but_not_a_mains() -> None:
    own = os.getsid(0)
    api = FakeApi([
        ProcInfo(3001, 1000, 7.0, 3000, 3000, zombie=True, name="stray"),  # a run's orphan
        ProcInfo(3002, 1000, 7.0, 3002, 3002, zombie=True, name="main?"),  # a session leader
        ProcInfo(3003, 1000, 7.0, own, own, zombie=True, name="kit's own child"),
    ])
    tree = RunTree(api, root_pid=2000, run_id="r4", root_started=5.0)
    open_other = RunTree(api, root_pid=2500, run_id="r5", root_started=5.0)  # not alone
    try:
        tree.sweep(limit_s=1)
    finally:
        tree.close()
        open_other.close()
    assert [pid for call, pid in api.calls if call == "reap"] == [3001]


def test_a_pipe_held_by_a_survivor_does_not_hold_the_reader() -> None:
    r, w = os.pipe()
    lines: list = []
    reader = drain.PipeReader(os.fdopen(r, "rb"), "stdout", time.perf_counter_ns(), lines)
    reader.start()
    os.write(w, b"one\ntwo")
    time.sleep(0.3)
    assert reader.thread.is_alive()  # nobody said the tree is over: it keeps reading
    t = time.monotonic()
    reader.finish(timeout=10)  # the write end is still open, as a survivor would hold it
    assert time.monotonic() - t < 2 and not reader.thread.is_alive()
    assert [x[2] for x in lines] == [b"one\n", b"two"]
    os.close(w)


# -- 3. the trace folder -------------------------------------------------------------------


@on_linux
def test_junk_a_fifo_and_links_in_the_trace_folder_are_skipped_and_named(tmp_path: Path) -> None:
    t = time.monotonic()
    obs = runner.run(SCRIPTS / "trace_plant.py", runner.RunOptions(method="fork", timeout=30))
    assert time.monotonic() - t < 20  # the FIFO blocked nothing
    assert obs.exit_code == 0 and obs.has_text("child works") and obs.has_text("main done")
    errors = "\n".join(obs.tracer_errors)
    main = obs.main
    assert main is not None and main.started_t is not None  # the real events were kept
    assert re.search(rf"{main.pid}\.jsonl:\d+: malformed event \(no event kind\)", errors)
    assert "field 'child' is NoneType" in errors and "in the file of pid" in errors
    assert "no finite time" in errors and "unreadable trace line" in errors
    assert "999999.jsonl: not a regular file" in errors  # the FIFO
    assert "999998.jsonl: not opened" in errors  # the symlink, not followed
    assert "notes.jsonl: not a trace file name" in errors
    assert "stream 'nowhere' is not one the tracer writes" in errors
    assert "interp: field 'version' is NoneType" in errors
    assert not obs.has_text("forged")
    assert settle(obs.run_id) == {}


@on_linux
@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="the exit socket needs pidfds")
def test_a_fake_pidfd_on_the_exit_socket_cannot_fake_a_death() -> None:
    obs = runner.run(SCRIPTS / "fake_death.py", runner.RunOptions(method="fork", timeout=30))
    assert obs.has_text("sent"), obs.texts("stderr")  # the fake reached the socket
    (child,) = obs.children
    assert child.started_t is not None and child.ended_t is not None
    assert child.ended_t - child.started_t >= 0.9, (child.started_t, child.ended_t)


def test_a_huge_trace_file_is_skipped_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trace_read, "MAX_FILE_BYTES", 1000)
    (tmp_path / "10.jsonl").write_text('{"ev": "boot", "pid": 10, "t": 0.1, "ppid": 1}\n' * 100)
    (tmp_path / "11.jsonl").write_text('{"ev": "boot", "pid": 11, "t": 0.2, "ppid": 1}\n')
    got = trace_read.read_events(tmp_path)
    assert [e["pid"] for e in got.events] == [11]
    assert got.errors == ["10.jsonl: 4700 bytes, over the 1000 cap, skipped"]


def test_a_pid_reused_within_a_run_names_two_processes(tmp_path: Path) -> None:
    lines = [
        {"ev": "boot", "pid": 7, "t": 0.1, "ppid": 1},
        {"ev": "left", "pid": 7, "t": 0.2, "exitcode": 0},
        {"ev": "interp", "pid": 7, "t": 0.3, "role": "spawned", "ppid": 1,
         "executable": "python", "version": "3.11.7", "implementation": "cpython"},
        {"ev": "boot", "pid": 7, "t": 0.35, "ppid": 1},  # the same spawn child's bootstrap
        {"ev": "boot", "pid": 7, "t": 0.5, "ppid": 1},  # a third process with pid 7
    ]
    (tmp_path / "7.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    got = trace_read.read_events(tmp_path)
    assert [(e["pid"], e["born"]) for e in got.events] == [
        (7, 0.1), (7, 0.1), (7, 0.3), (7, 0.3), (7, 0.5)]
    assert got.errors == []


def test_two_starts_that_got_the_same_pid_find_their_own_boot_and_exit(tmp_path: Path) -> None:
    lines = [
        {"ev": "boot", "pid": 7, "t": 0.11, "ppid": 1},
        {"ev": "left", "pid": 7, "t": 0.2, "exitcode": 0},
        {"ev": "boot", "pid": 7, "t": 0.51, "ppid": 1},
        {"ev": "left", "pid": 7, "t": 0.6, "exitcode": 3},
    ]
    (tmp_path / "7.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    reaped = [{"ev": "reaped", "pid": 1, "t": 0.25, "child": 7, "exitcode": 0},
              {"ev": "reaped", "pid": 1, "t": 0.65, "child": 7, "exitcode": 3}]
    events = trace_read.read_events(tmp_path).events
    boots = trace_read.ByProcess([e for e in events if e["ev"] == "boot"])
    lefts = trace_read.ByProcess([e for e in events if e["ev"] == "left"])
    for requested_t, code in ((0.1, 0), (0.5, 3)):  # each start() and the process it made
        boot = boots.first(7, born_after=requested_t)
        assert boot is not None
        left = lefts.of(7, boot["born"])
        assert left is not None and left["exitcode"] == code
        reap = trace_read.first_about(reaped, 7, boot["t"])
        assert reap is not None and reap["exitcode"] == code
    assert boots.first(7, born_after=0.9) is None


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW (POSIX)")
def test_a_trace_folder_replaced_by_a_link_is_not_followed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "5.jsonl").write_text('{"ev": "boot", "pid": 5, "t": 0.1, "ppid": 1}\n')
    (tmp_path / "link").symlink_to(real)
    got = trace_read.read_events(tmp_path / "link")
    assert got.events == [] and got.errors[0].startswith("trace folder unreadable")
    assert trace_read.read_events(real).events[0]["pid"] == 5  # the counter-example


# -- 6. the other places, behind their seams ------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "os_name", "place"),
    [("win32", "nt", "windows"), ("darwin", "posix", "macos"), ("freebsd14", "posix", "posix"),
     ("linux", "posix", "linux" if Path("/proc").is_dir() else "posix")],
)
def test_each_place_gets_its_own_containment(platform: str, os_name: str, place: str) -> None:
    assert contain.place_of(platform, os_name) == place
    assert set(contain.PLACES) == {"linux", "macos", "windows", "posix"}


class FakePsutil:
    """The slice of psutil the places use, over a table of fake processes."""

    class Error(Exception):
        pass

    class NoSuchProcess(Error):
        pass

    class AccessDenied(Error):
        pass

    class ZombieProcess(NoSuchProcess):
        pass

    STATUS_ZOMBIE = "zombie"

    def __init__(self, table: list[dict]) -> None:
        self.table = {row["pid"]: row for row in table}
        self.calls: list[tuple[str, int]] = []

    def _proc(self, row: dict) -> SimpleNamespace:
        ps = self

        def act(name: str):  # type: ignore[no-untyped-def]
            def do() -> None:
                if row.get("denied"):
                    raise ps.AccessDenied()
                ps.calls.append((name, row["pid"]))
                if name == "kill":
                    ps.table.pop(row["pid"], None)
            return do

        def guarded(value):  # type: ignore[no-untyped-def]
            def get():  # type: ignore[no-untyped-def]
                if row.get("denied"):
                    raise ps.AccessDenied()
                return value
            return get

        return SimpleNamespace(
            pid=row["pid"], create_time=lambda: row["started"], ppid=lambda: row["ppid"],
            name=lambda: row.get("name", "python"), status=lambda: row.get("status", "running"),
            environ=guarded(row.get("env", {})), cmdline=guarded(row.get("cmd", ["python"])),
            kill=act("kill"), suspend=act("suspend"), resume=act("resume"),
            children=lambda recursive=False: self._children(row["pid"], recursive),
        )

    def _children(self, pid: int, recursive: bool) -> list[SimpleNamespace]:
        kids = [r for r in self.table.values() if r["ppid"] == pid]
        deeper = [g for r in kids for g in self._children(r["pid"], True)] if recursive else []
        return [self._proc(r) for r in kids] + deeper

    def process_iter(self) -> list[SimpleNamespace]:
        return [self._proc(r) for r in list(self.table.values())]

    def Process(self, pid: int) -> SimpleNamespace:  # noqa: N802 - psutil's name
        if pid not in self.table:
            raise self.NoSuchProcess()
        return self._proc(self.table[pid])


def mac_table() -> list[dict]:
    tracker = ["python", "-c", "from multiprocessing.resource_tracker import main;main(7)"]
    return [
        {"pid": 500, "ppid": 1, "started": 1.0, "pgid": 500, "sid": 500},  # unrelated
        {"pid": 700, "ppid": 1000, "started": 10.0, "pgid": 700, "sid": 700,
         "env": {"LABKIT_RUN_ID": "m1"}},  # the run's main
        {"pid": 701, "ppid": 700, "started": 11.0, "pgid": 700, "sid": 700},  # its child
        {"pid": 702, "ppid": 700, "started": 11.0, "pgid": 700, "sid": 700, "cmd": tracker},
        {"pid": 703, "ppid": 1, "started": 12.0, "pgid": 703, "sid": 703,
         "env": {"LABKIT_RUN_ID": "m1"}},  # setsid orphan, adopted by launchd
        {"pid": 704, "ppid": 1, "started": 12.5, "pgid": 703, "sid": 703},  # its scrubbed child
        {"pid": 705, "ppid": 1, "started": 12.6, "pgid": 705, "sid": 700},  # orphan, same session
        {"pid": 800, "ppid": 1, "started": 13.0, "pgid": 800, "sid": 800,
         "env": {"LABKIT_RUN_ID": "other"}},  # another run's
    ]


def test_macos_finds_the_run_by_group_session_and_environment() -> None:
    table = mac_table()
    ps = FakePsutil(table)
    groups = {r["pid"]: (r["pgid"], r["sid"]) for r in table}
    signalled: list[tuple[int, int]] = []
    api = macos.MacApi(psutil=ps, groups=groups.__getitem__,
                       killpg=lambda g, s: signalled.append((g, s)))
    api.self_pid = 1000
    tree = RunTree(api, root_pid=700, run_id="m1")
    try:
        found = {p.pid for p in tree.members()}
        assert found == {700, 701, 702, 703, 704, 705}  # not 500 (older), not 800 (other run)
        killed = tree.freeze_and_kill()
    finally:
        tree.close()
    assert killed == 5
    assert {pid for c, pid in ps.calls if c == "kill"} == {700, 701, 703, 704, 705}
    assert ("kill", 702) not in ps.calls and ("resume", 702) in ps.calls  # tracker spared
    assert (700, signal.SIGSTOP) in signalled  # the run's group frozen in one call
    assert 500 in ps.table and 800 in ps.table


def test_posix_without_psutil_still_ends_the_runs_group() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys, time;"
         "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
         "time.sleep(60)"], start_new_session=True)
    try:
        time.sleep(0.5)
        tree = RunTree(posix.PosixApi(psutil=posix._NoPsutil()), root_pid=proc.pid,
                       run_id="p1", root_started=0.0)
        assert tree.members() == []  # nothing can be listed here
        tree.sweep(limit_s=1)
        tree.close()
        assert proc.wait(timeout=10) == -signal.SIGKILL
        time.sleep(0.2)
        if Path("/proc").is_dir():  # the grandchild went with the group (zombies aside)
            group = [p for p in linux.LinuxApi().snapshot(None, "") if p.pgid == proc.pid]
            assert [p.pid for p in group if not p.zombie] == []
            for p in group:
                if p.ppid == os.getpid():
                    os.waitpid(p.pid, 0)
    finally:
        if proc.poll() is None:
            proc.kill()


class FakeKernel32:
    """Records Job object calls; handles are small integers."""

    def __init__(self, fail: str = "") -> None:
        self.calls: list[tuple] = []
        self.fail = fail
        self.limit_flags = None

    def CreateJobObjectW(self, attrs, name):  # noqa: N802
        self.calls.append(("create",))
        return 0 if self.fail == "create" else 77

    def SetInformationJobObject(self, job, cls, info, size):  # noqa: N802
        self.limit_flags = info._obj.BasicLimitInformation.LimitFlags
        self.calls.append(("limit", job, cls))
        return 1

    def AssignProcessToJobObject(self, job, handle):  # noqa: N802
        self.calls.append(("assign", job, handle))
        return 1

    def OpenProcess(self, access, inherit, pid):  # noqa: N802
        self.calls.append(("open", pid))
        return 0 if pid == 903 else 5000 + pid  # 903: protected, access denied

    def TerminateJobObject(self, job, code):  # noqa: N802
        self.calls.append(("terminate", job, code))
        return 1

    def CloseHandle(self, handle):  # noqa: N802
        self.calls.append(("close", handle))
        return 1


def windows_table() -> list[dict]:
    return [
        {"pid": 900, "ppid": 1000, "started": 10.0, "env": {"LABKIT_RUN_ID": "w1"}},  # redirector
        {"pid": 901, "ppid": 900, "started": 10.1, "env": {"LABKIT_RUN_ID": "w1"}},  # real python
        {"pid": 902, "ppid": 901, "started": 10.5},  # a child with a scrubbed environment
        {"pid": 903, "ppid": 901, "started": 10.6, "denied": True},  # AccessDenied everywhere
        {"pid": 904, "ppid": 4, "started": 11.0, "env": {"LABKIT_RUN_ID": "w1"}},  # orphan
        {"pid": 950, "ppid": 4, "started": 1.0},  # unrelated, older than the run
    ]


def test_windows_puts_the_run_in_a_job_that_kills_on_close() -> None:
    ps, k32 = FakePsutil(windows_table()), FakeKernel32()
    api = windows.WindowsApi(psutil=ps, kernel32=k32)
    api.self_pid = 1000
    tree = contain.open_tree(SimpleNamespace(pid=900, _handle=4242), "w1", api=api)
    assert k32.calls[:3] == [("create",), ("limit", 77, 9), ("assign", 77, 4242)]
    assert k32.limit_flags == windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    assert ("assign", 77, 5901) in k32.calls and ("open", 903) in k32.calls  # 903: denied
    ending = tree.end(0.0)
    tree.close()
    assert ending.killed_main and ending.survivors == ("pid 903 (python)",)
    assert ("terminate", 77, contain.KILLED_BY_KIT & 0xFFFFFFFF) in k32.calls
    assert {pid for c, pid in ps.calls if c == "kill"} == {900, 901, 902, 904}
    assert k32.calls[-1] == ("close", 77) and 950 in ps.table


def test_windows_without_a_job_still_sweeps_by_parent_links() -> None:
    ps, k32 = FakePsutil(windows_table()[:3]), FakeKernel32(fail="create")
    api = windows.WindowsApi(psutil=ps, kernel32=k32)
    api.self_pid = 1000
    tree = contain.open_tree(SimpleNamespace(pid=900, _handle=4242), "w1", api=api)
    ending = tree.sweep(limit_s=2)
    tree.close()
    assert api.job is None and "CreateJobObjectW" in api.job_error
    assert ending.survivors == () and not ps.table


def test_a_reused_pid_is_not_killed_by_an_old_identity() -> None:
    ps = FakePsutil([{"pid": 42, "ppid": 1, "started": 99.0}])
    _, handles = contain._ps.snapshot(ps, None, None)
    old = ProcInfo(42, 1, started=5.0)  # pid 42 as an earlier process had it
    contain._ps.call(ps, handles, old, "kill")
    assert ps.calls == [] and 42 in ps.table
    contain._ps.call(ps, handles, ProcInfo(42, 1, started=99.0), "kill")
    assert ps.calls == [("kill", 42)]


@on_linux
def test_no_pidfd_still_notices_the_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "pidfd_open", raising=False)
    obs = runner.run(Path(__file__).parent / "scripts" / "fails.py",
                     runner.RunOptions(method="fork", timeout=30))
    assert obs.exit_code not in (0, None) and not obs.timed_out


@on_linux
def test_no_proc_listing_still_ends_the_tree(tmp_path: Path) -> None:
    api = linux.LinuxApi(proc=tmp_path)  # an empty /proc: nothing can be listed
    assert api.snapshot(None, "") == []
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                            start_new_session=True)
    tree = RunTree(api, root_pid=proc.pid, run_id="np", root_started=0.0)
    tree.sweep(limit_s=1)
    tree.close()
    assert proc.wait(timeout=10) == -signal.SIGKILL


def test_stat_parsing_survives_a_hostile_command_name(tmp_path: Path) -> None:
    (tmp_path / "31").mkdir()
    fields = ["S", "1", "31", "31"] + ["0"] * 15 + ["12345"] + ["0"] * 10
    (tmp_path / "31" / "stat").write_text("31 (a) b (c)) " + " ".join(fields))
    p = linux.read_stat("31", tmp_path)
    assert p is not None and p.name == "a) b (c)" and p.started == 12345.0 and p.pgid == 31
    assert linux.read_stat("32", tmp_path) is None

