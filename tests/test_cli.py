"""The command line as a user meets it: exit codes, one-line errors, files written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labkit import runner

SCRIPTS = Path(__file__).parent / "scripts"
LABKIT = [sys.executable, "-m", "labkit"]


def labkit(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LABKIT, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        encoding="utf-8",
        env=dict(os.environ, COLUMNS="200", LC_ALL="C.UTF-8"),  # English output
    )


def test_run_any_script_writes_a_full_observation(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    method = "spawn" if "spawn" in runner.available_methods() else runner.available_methods()[0]
    r = labkit(
        "run",
        str(SCRIPTS / "fails.py"),
        "--start-method",
        method,
        "--json",
        str(out),
        "--timeout",
        "30",
    )
    assert r.returncode == 0, r.stderr  # whatever the script did
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "labkit.observation/1"
    assert data["start_method"] == method and data["exit_code"] == 1
    for line in data["output"]:
        assert {"t", "pid", "stream", "text"} <= line.keys()
    assert any(o["text"] == "child about to fail" and o["pid"] for o in data["output"])
    assert len(data["processes"]) >= 2
    for p in data["processes"]:
        if p["role"] in ("main", "child"):
            for key in ("start_requested_t", "started_t", "ended_t", "exitcode"):
                assert p[key] is not None, (p, key)
    for key in ("system", "release", "machine", "image", "ci_job"):
        assert key in data["platform"]
    assert "child about to fail" in r.stdout  # the readable summary
    # a script's run holds nothing the claims read: check says so rather than "0 passed"
    checked = labkit("check", str(out))
    assert checked.returncode == 0 and "no claim reads" in checked.stdout
    assert "0 passed" not in checked.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "/no/such/script.py"], "no such script"),
        (["run", "."], "is a directory"),
        (["run", "03", "--start-method", "thread"], "unknown start method"),
        (["run", "99"], "unknown lab"),
        (["run", "03", "--variant", "nope"], "no variant"),
        (["run", "03", "--timeout", "-1"], "must be more than 0"),
        (["run", "03", "--container", "2.7"], "no kit image"),
        (["check", "/no/such/dir"], "no such file"),
        (["frobnicate"], "invalid choice"),
        (["run"], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    r = labkit(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_a_method_this_platform_lacks_exits_2() -> None:
    missing = {"win32": "fork"}.get(sys.platform)
    if missing is None:
        pytest.skip(f"every start method exists on {sys.platform}")
    r = labkit("run", "03", "--start-method", missing)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_check_empty_folder_exits_2(tmp_path: Path) -> None:
    r = labkit("check", str(tmp_path))
    assert r.returncode == 2 and "no Observations" in r.stderr


def test_check_judges_saved_observations_and_fails_with_1(tmp_path: Path) -> None:
    out = tmp_path / "obs"
    r = labkit("run", "12", "--start-method", "all", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert labkit("check", str(out)).returncode == 0
    # Tamper with the evidence: the same claim code must now say "fail".
    for f in out.glob("*.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        for line in data["output"]:
            line["text"] = line["text"].replace("original", "set in main")
        f.write_text(json.dumps(data), encoding="utf-8")
    r = labkit("check", str(out))
    assert r.returncode == 1 and "kit.globals.set_in_main" in r.stderr


def test_compare_puts_methods_side_by_side() -> None:
    r = labkit("compare", str(Path(__file__).parents[1] / "labs" / "12_globals.py"))
    assert r.returncode == 0, r.stderr
    for method in runner.available_methods():
        assert method in r.stdout
    assert "default" in r.stdout and "child sees value" in r.stdout


def test_list_shows_every_lab() -> None:
    r = labkit("list")
    assert r.returncode == 0
    for lab_id in ("01", "10", "17"):
        assert f" {lab_id} " in r.stdout


@pytest.mark.skipif(
    not Path("/proc").is_dir() or os.name != "posix", reason="POSIX signals and /proc"
)
def test_ctrl_c_ends_the_run_and_leaves_nothing(tmp_path: Path) -> None:
    import psutil

    proc = subprocess.Popen(
        [
            *LABKIT,
            "run",
            str(SCRIPTS / "hang_child.py"),
            "-m",
            runner.available_methods()[-1],
            "--timeout",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, LC_ALL="C.UTF-8"),  # English messages
        text=True,
    )
    run_ids: set[str] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(run_ids_members := _members(proc.pid)) < 3:
        time.sleep(0.2)
    for p in run_ids_members:
        try:
            run_ids.add(p.environ()["LABKIT_RUN_ID"])
        except (psutil.Error, KeyError):
            pass
    assert len(run_ids) == 1, "the run never started"
    (run_id,) = run_ids
    assert len(runner.run_members(run_id)) >= 3  # main, child, helper(s): all seen alive
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    time.sleep(0.5)
    assert runner.run_members(run_id) == []


def _members(pid: int) -> list:  # type: ignore[type-arg]
    import psutil

    try:
        return [p for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []
