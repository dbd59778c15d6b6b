"""The tracer and the runner together: scripts run as by hand, times as they happened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labkit import runner
from labkit.observation import EndSource, Observation, ProcessRecord, Role
from labkit.runner import RunOptions

SCRIPTS = Path(__file__).parent / "scripts"
LABS = Path(__file__).parent.parent / "labs"
METHODS = runner.available_methods()
has_pidfd = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="death times need pidfds (Linux); else noticed times"
)


def _run(script: Path, method: str, **kw: object) -> Observation:
    return runner.run(script, RunOptions(method=method, timeout=60, **kw))  # type: ignore[arg-type]


# -- the script's own start method ----------------------------------------------------


@pytest.mark.parametrize("method", (*METHODS, "default"))
def test_docs_set_start_method_example_runs_as_by_hand(method: str) -> None:
    obs = _run(SCRIPTS / "docs_set_start_method.py", method)
    assert obs.exit_code == 0, obs.texts("stderr")
    assert obs.texts() == ["hello"]
    assert obs.texts("stderr") == []
    assert [c.method for c in obs.children] == ["spawn"]
    assert obs.start_method == "spawn"
    assert obs.effective_start_methods == ("spawn",)
    run_default = obs.default_start_method if method == "default" else method
    assert obs.method_chosen_by_script is (run_default != "spawn")
    assert obs.requested_start_method == method


@pytest.mark.parametrize("method", METHODS)
def test_a_script_that_does_not_choose_gets_the_requested_method(method: str) -> None:
    obs = _run(SCRIPTS / "method_probe.py", method)
    assert obs.exit_code == 0, obs.texts("stderr")
    assert [c.method for c in obs.children] == [method]
    assert obs.method_chosen_by_script is False
    assert obs.effective_start_methods == (method,)


@pytest.mark.parametrize("method", METHODS)
def test_each_child_records_the_method_that_really_made_it(method: str) -> None:
    obs = _run(SCRIPTS / "own_contexts.py", method)
    assert obs.exit_code == 0, obs.texts("stderr")
    made = {c.name: c.method for c in obs.children}
    expected = {"by-default": method, "by-spawn": "spawn", "after-force": "spawn"}
    if "forkserver" in METHODS:
        expected["by-forkserver"] = "forkserver"
    assert made == expected
    assert "final spawn" in obs.texts()
    assert obs.effective_start_methods == tuple(sorted(set(expected.values())))
    # Under spawn only a forkserver child differs from the run's method.
    assert obs.method_chosen_by_script is (method != "spawn" or "forkserver" in METHODS)


@pytest.mark.parametrize("method", METHODS)
def test_the_requested_method_is_the_default_and_the_list_the_platforms(method: str) -> None:
    import multiprocessing

    obs = _run(LABS / "16_default_method.py", method)
    assert obs.exit_code == 0, obs.texts("stderr")
    assert f"default start method: {method}" in obs.texts()
    assert f"all start methods: {multiprocessing.get_all_start_methods()}" in obs.texts()


# -- the working folder -----------------------------------------------------------------


def test_a_relative_path_works_in_the_scripts_own_folder(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    folder.mkdir()
    shutil.copy(SCRIPTS / "reads_data.py", folder)
    (folder / "data.txt").write_text("forty-two\n", encoding="utf-8")
    obs = runner.run(folder / "reads_data.py", RunOptions(timeout=30, cwd=folder))
    assert obs.exit_code == 0, obs.texts("stderr")
    assert obs.texts() == ["read forty-two"]
    assert (folder / "data.txt").is_file()  # a given folder is the user's: kept as it was


def test_without_a_folder_the_run_gets_an_empty_one(tmp_path: Path) -> None:
    shutil.copy(SCRIPTS / "reads_data.py", tmp_path)
    (tmp_path / "data.txt").write_text("forty-two\n", encoding="utf-8")
    obs = runner.run(tmp_path / "reads_data.py", RunOptions(timeout=30))
    assert obs.exit_code == 1
    assert any("FileNotFoundError" in line for line in obs.texts("stderr"))


def test_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    from labkit.errors import UsageError

    with pytest.raises(UsageError):
        runner.run(SCRIPTS / "reads_data.py", RunOptions(cwd=tmp_path / "absent"))


# -- times ------------------------------------------------------------------------------


@has_pidfd
@pytest.mark.parametrize("method", METHODS)
def test_a_terminated_child_ends_when_it_died_not_when_joined(method: str) -> None:
    obs = _run(SCRIPTS / "terminate_late_join.py", method)
    assert obs.exit_code == 0, obs.texts("stderr")
    child = obs.children[0]
    assert child.exitcode == -15
    assert child.ended_by == EndSource.DIED
    assert child.ended_t is not None and child.noticed_t is not None
    terminated = obs.first_line("terminated")
    joined = obs.first_line("joined")
    assert terminated is not None and joined is not None
    # died around the terminate() (~1 s), seen by its parent at the join (~3 s)
    assert child.ended_t < terminated.t + 0.5 < joined.t - 1.0
    assert child.noticed_t >= joined.t - 0.5
    assert child.ended_t / child.noticed_t < 0.6


def test_without_an_exit_watch_the_end_is_the_parents_noticing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What a platform without pidfds records: the join, marked as only noticed.
    monkeypatch.setattr(runner.ExitWatch, "open", classmethod(lambda cls, *a: None))
    obs = _run(SCRIPTS / "terminate_late_join.py", "default")
    assert obs.exit_code == 0, obs.texts("stderr")
    child = obs.children[0]
    joined = obs.first_line("joined")
    assert joined is not None
    assert child.ended_by == EndSource.NOTICED
    assert child.ended_t == child.noticed_t
    assert child.ended_t is not None and abs(child.ended_t - joined.t) < 0.5


@has_pidfd
def test_the_exit_watch_holds_at_most_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_watch_cap", lambda: 1)
    obs = _run(SCRIPTS / "three_at_once.py", "fork")
    assert obs.exit_code == 0, obs.texts("stderr")
    ends = [c.ended_by for c in obs.children]
    assert ends == [EndSource.DIED, EndSource.LEFT, EndSource.LEFT]
    monkeypatch.undo()
    obs = _run(SCRIPTS / "three_at_once.py", "fork")
    assert [c.ended_by for c in obs.children] == [EndSource.DIED] * 3


@has_pidfd
def test_the_exit_watch_stamps_a_death_as_it_happens(tmp_path: Path) -> None:
    import socket
    import time

    t0 = time.perf_counter_ns()
    watch = runner.ExitWatch.open(tmp_path, t0)
    assert watch is not None
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    fd = os.pidfd_open(child.pid)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.sendmsg(  # socket.send_fds() ignores its address
            [child.pid.to_bytes(8, "little")],
            [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fd.to_bytes(4, sys.byteorder))],
            0,
            str(watch.path),
        )
    os.close(fd)
    time.sleep(3)  # it died long before anyone waits for it
    child.wait()
    died = watch.finish()
    assert set(died) == {child.pid}
    assert 0.5 <= died[child.pid] < 2.5


def test_where_only_the_parents_noticing_is_known_it_says_so() -> None:
    noticed = {"t": 3.0, "exitcode": -15}
    assert runner._child_end(None, None, noticed) == (3.0, EndSource.NOTICED)
    assert runner._child_end(None, {"t": 0.9, "exitcode": 0}, noticed) == (0.9, EndSource.LEFT)
    assert runner._child_end(1.0, None, noticed) == (1.0, EndSource.DIED)
    # two clocks: a death stamped after the parent saw it is clamped to the noticing
    assert runner._child_end(3.2, None, noticed) == (3.0, EndSource.DIED)
    assert runner._child_end(None, None, None) == (None, None)


def test_partial_lines_are_stamped_when_written() -> None:
    obs = _run(SCRIPTS / "partial_lines.py", "default")
    assert obs.exit_code == 0, obs.texts("stderr")
    assert obs.texts() == ["before", "part-whole", "unflushed-done"]
    before, whole, done = obs.lines("stdout")
    assert whole.t - before.t < 0.5  # the first part, not the newline a second later
    assert done.t - whole.t > 0.5  # each line its own time: the second came a second on
    assert done.t - whole.t < 3.0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork() is POSIX only")
@pytest.mark.parametrize("unbuffered", (False, True))
def test_a_fork_child_inherits_only_the_unflushed_part_of_a_line(
    unbuffered: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # By hand at a terminal, os.fork() copies stdout's buffer: the child prints the
    # parent's unflushed "inherited-" again, never a flushed "flushed-"; with -u nothing
    # is ever left in a buffer.
    if unbuffered:
        monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    else:
        monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    obs = _run(SCRIPTS / "fork_partial.py", "default")
    assert obs.exit_code == 0, obs.texts("stderr")
    main_pid = obs.main.pid  # type: ignore[union-attr]
    by_child = [o.text for o in obs.lines("stdout") if o.pid != main_pid]
    by_main = [o.text for o in obs.lines("stdout") if o.pid == main_pid]
    assert by_main == ["inherited-parent", "flushed-parent"]
    assert by_child == (["child", "child"] if unbuffered else ["inherited-child", "child"])


def test_the_kit_adds_no_thread_to_the_scripts_processes() -> None:
    obs = _run(SCRIPTS / "thread_count.py", "fork")
    assert obs.exit_code == 0, obs.texts("stderr")
    assert "main 1 1" in obs.texts()
    assert "child 1 1" in obs.texts()


@pytest.mark.skipif(sys.version_info < (3, 12), reason="fork() warns of threads from 3.12")
def test_fork_does_not_warn_under_the_kit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONWARNINGS", "error::DeprecationWarning")
    obs = _run(SCRIPTS / "method_probe.py", "fork")
    assert obs.exit_code == 0, obs.texts("stderr")
    assert obs.texts("stderr") == []


@pytest.mark.parametrize("method", METHODS)
def test_the_script_gets_the_descriptor_numbers_it_gets_by_hand(method: str) -> None:
    script = SCRIPTS / "fd_numbers.py"
    obs = _run(script, method)
    assert obs.exit_code == 0, obs.texts("stderr")
    by_hand = subprocess.run(
        [sys.executable, "-c", "import multiprocessing as mp, runpy, sys;"
         f" mp.set_start_method({method!r}); sys.argv = [{str(script)!r}];"
         f" runpy.run_path({str(script)!r}, run_name='__main__')"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("LABKIT_")},
    )
    assert by_hand.returncode == 0, by_hand.stderr
    assert obs.texts() == by_hand.stdout.splitlines()


def test_stdout_and_stderr_have_their_real_descriptors() -> None:
    script = SCRIPTS / "std_fileno.py"
    obs = _run(script, "default")
    assert obs.exit_code == 0, obs.texts("stderr")
    by_hand = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("LABKIT_")},
    )
    assert obs.texts() == by_hand.stdout.splitlines()
    assert obs.texts() == ["stdout fileno 1 stderr fileno 2", "from a subprocess", "done"]


def test_a_script_without_processes_imports_what_it_imports_by_hand() -> None:
    script = SCRIPTS / "no_multiprocessing.py"
    obs = _run(script, "spawn")
    assert obs.exit_code == 0, obs.texts("stderr")
    by_hand = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("LABKIT_")},
    )
    assert obs.texts() == by_hand.stdout.splitlines()
    assert "multiprocessing imported: False" in obs.texts()
    assert obs.default_start_method == runner._platform_default()
    assert obs.start_method == "spawn" and obs.effective_start_methods == ()


# -- tracebacks -------------------------------------------------------------------------


@pytest.mark.skipif("spawn" not in METHODS, reason="spawn is not available here")
def test_a_childs_traceback_is_the_one_printed_by_hand() -> None:
    lab = LABS / "10_guard.py"
    obs = _run(lab, "spawn")
    kit = obs.texts("stderr")
    assert any("RuntimeError" in line for line in kit)
    assert not [line for line in kit if "_labkit" in line]
    by_hand = subprocess.run(
        [
            sys.executable,
            "-c",
            "import multiprocessing as mp, runpy, sys; mp.set_start_method('spawn');"
            f" sys.argv = [{str(lab)!r}]; runpy.run_path({str(lab)!r}, run_name='__main__')",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if not k.startswith("LABKIT_")},
    )
    assert by_hand.stderr.splitlines() == kit
    # the failed start() shows as a request that made no process
    assert any("raised before making a process" in e for e in obs.tracer_errors)


def test_a_run_whose_starts_succeed_reports_no_failed_start() -> None:
    obs = _run(SCRIPTS / "method_probe.py", "default")
    assert not [e for e in obs.tracer_errors if "raised" in e]


# -- records ----------------------------------------------------------------------------


def test_start_latency_is_one_property() -> None:
    rec = ProcessRecord(pid=2, ppid=1, name="p", role=Role.CHILD, start_requested_t=1.0,
                        started_t=1.25)
    assert rec.start_latency == pytest.approx(0.25)
    assert ProcessRecord(pid=2, ppid=1, name="p", role=Role.CHILD).start_latency is None


def test_roles_and_end_sources_survive_json() -> None:
    obs = _run(SCRIPTS / "method_probe.py", "default")
    back = Observation.from_dict(obs.to_dict())
    assert back == obs
    assert all(isinstance(p.role, Role) for p in back.processes)
    assert back.children[0].ended_by is not None
    assert isinstance(back.children[0].ended_by, EndSource)
    assert back.effective_start_methods == obs.effective_start_methods


def test_event_names_live_in_one_module() -> None:
    from labkit._boot import _labkit_events as ev

    names = [v for k, v in vars(ev).items() if k.isupper() and not k.endswith("_ENV")]
    assert len(names) >= 9
    boot = Path(runner.__file__).parent / "_boot" / "_labkit_tracer.py"
    for source in (boot, Path(runner.__file__)):
        text = source.read_text(encoding="utf-8")
        spelled = [n for n in names if f'"{n}"' in text or f"'{n}'" in text]
        assert spelled == [], f"{source.name} spells event names itself: {spelled}"
