"""Grading: every exercise's starter scores below full marks, its correct fix (kept here,
never under exercises/) scores full under every start method natively, and a dodge that
forces the start method scores below full. Plus the grade's files, feedback, exit codes
and the static check, each with a case where it must fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from labkit import runner
from labkit.grade import checks, exercises, grading

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = Path(__file__).parent / "solutions"
EXERCISES = exercises.ids()
LABKIT = [sys.executable, "-m", "labkit"]
FORCE = "import multiprocessing\nmultiprocessing.set_start_method({!r}, force=True)\n"
# the method each starter works under: forcing it is the dodge
WORKS_UNDER = {"pipe_eof": "spawn", "queue_deadlock": "spawn"}
needs_all_methods = pytest.mark.skipif(
    set(runner.available_methods()) != {"fork", "spawn", "forkserver"},
    reason="grading under fork, spawn and forkserver needs a platform that has all three",
)


def labkit(*args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LABKIT, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=300, env=dict(os.environ, **(env or {})))


def _grade(exercise_id: str, path: Path) -> grading.Grade:
    return grading.grade(exercises.load(exercise_id), path)


def _methods(g: grading.Grade) -> set[str]:
    return {c.method for c in g.checks if c.method != grading.STATIC}


def test_at_least_the_eight_exercises_exist() -> None:
    assert {"guard", "pool_guard", "globals", "pickle", "global_lock", "sentinel",
            "queue_deadlock", "mutex", "pipe_eof"} <= set(EXERCISES)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_no_solution_is_shipped_to_students(exercise_id: str) -> None:
    shipped = {p.name for p in (ROOT / "exercises" / exercise_id).iterdir()}
    assert shipped <= {"starter.py", "exercise.toml"}, shipped
    assert (SOLUTIONS / exercises.file_name(exercise_id)).is_file()
    header = (ROOT / "exercises" / exercise_id / "starter.py").read_text(encoding="utf-8")
    for part in ("任务 / Task", "完成标准 / Done when", "提示 / Hint"):
        assert part in header


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_fix_scores_full_under_every_method(exercise_id: str) -> None:
    g = _grade(exercise_id, SOLUTIONS / exercises.file_name(exercise_id))
    assert _methods(g) == {*runner.available_methods(), "default"}
    assert g.full_marks, [(c.check, c.method, c.value, c.evidence) for c in g.failed]


# For each starter, checks that must fail under one method (the bug seen) …
BROKEN = {
    "guard": {("no_bootstrap_error", "spawn"), ("children_ok", "spawn"), ("lines", "spawn"),
              ("static_guard", "static")},
    "pool_guard": {("runs_to_end", "spawn"), ("no_bootstrap_error", "spawn"),
                   ("lines", "spawn"), ("static_guard", "static")},
    "globals": {("lines", "spawn"), ("lines", "forkserver")},
    "pickle": {("runs_to_end", "spawn"), ("children_ok", "spawn"), ("lines", "spawn")},
    "global_lock": {("lines", "spawn")},
    "sentinel": {("runs_to_end", "spawn"), ("lines", "spawn")},
    "queue_deadlock": {("runs_to_end", "fork"), ("lines", "fork")},
    "mutex": {("lines", "spawn")},
    "pipe_eof": {("runs_to_end", "fork"), ("children_ok", "fork"), ("lines", "fork")},
}


@needs_all_methods
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_the_starter_works_under_one_method_and_not_another(exercise_id: str) -> None:
    g = _grade(exercise_id, exercises.load(exercise_id).starter)
    assert g.points < g.max_points
    failed = {(c.check, c.method) for c in g.failed}
    assert BROKEN[exercise_id] <= failed, failed
    # … and every behaviour check passes under the method it works under
    works = WORKS_UNDER.get(exercise_id, "fork")
    assert all(c.passed for c in g.checks if c.method == works), failed
    assert all(c.evidence for c in g.failed if c.check != "start_method")


@needs_all_methods
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_forcing_a_method_scores_below_full(exercise_id: str, tmp_path: Path) -> None:
    forced = WORKS_UNDER.get(exercise_id, "fork")
    starter = exercises.load(exercise_id).starter.read_text(encoding="utf-8")
    dodge = tmp_path / exercises.file_name(exercise_id)  # pickle.py would shadow pickle
    dodge.write_text(FORCE.format(forced) + starter, encoding="utf-8")
    g = _grade(exercise_id, dodge)
    assert g.points < g.max_points
    caught = {c.method for c in g.failed if c.check == "start_method"}
    others = {"fork", "spawn", "forkserver"} - {forced}
    assert others <= caught <= others | {"default"}, [(c.check, c.method, c.value, c.evidence)
                                                      for c in g.failed]


@needs_all_methods
def test_a_fixed_program_that_still_forces_fork_is_caught(tmp_path: Path) -> None:
    # get_context('fork') on an otherwise correct program: every check passes under
    # fork; under spawn and forkserver the run shows fork's behaviour, so they score 0.
    fixed = (SOLUTIONS / "guard.py").read_text(encoding="utf-8")
    dodge = tmp_path / "guard_ctx.py"
    dodge.write_text(fixed.replace(
        "from multiprocessing import Process",
        "import multiprocessing\nProcess = multiprocessing.get_context('fork').Process"),
        encoding="utf-8")
    g = _grade("guard", dodge)
    lost = {c.method for c in g.failed}
    assert lost == {"spawn", "forkserver"}
    assert {c.check for c in g.failed} >= {"start_method", "lines", "runs_to_end"}
    assert all(c.passed for c in g.checks if c.method in ("fork", "default", "static"))
    assert any("by fork" in c.evidence for c in g.failed if c.check == "start_method")


# -- the command: files, feedback, exit codes ---------------------------------------------


@needs_all_methods
def test_grade_command_writes_json_and_junit_and_exits_1_below_full(tmp_path: Path) -> None:
    out, junit = tmp_path / "g.json", tmp_path / "g.xml"
    r = labkit("grade", "guard", str(ROOT / "exercises/guard/starter.py"), "--json", str(out),
               "--junit", str(junit), "--lang", "en")
    assert r.returncode == 1, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"exercise", "points", "max_points", "checks", "environment"} <= data.keys()
    assert data["exercise"] == "guard" and 0 < data["points"] < data["max_points"]
    failed = [c for c in data["checks"] if c["status"] != "pass"]
    spawn = next(c for c in failed if c["method"] == "spawn" and c["check"] == "children_ok")
    assert "exit code 1" in spawn["evidence"] and "Process-1" in spawn["evidence"]
    # the exception's message, read from the lines below "RuntimeError:", not left out
    assert "RuntimeError: An attempt has been made" in spawn["evidence"]
    assert any(c["method"] == "static" for c in failed)
    assert "Score:" in r.stdout and "Hint:" in r.stdout and "[spawn" in r.stdout
    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and int(suite.get("failures", "0")) == len(failed)
    assert int(suite.get("tests", "0")) == len(data["checks"])


def test_feedback_lines_wrap_at_the_width_with_their_words_kept() -> None:
    from rich.cells import cell_len

    from labkit.grade.cli import fit

    text = ("✗ [spawn, Linux/py3.11] no process fails with the 'bootstrapping phase' error: "
            "RuntimeError: bootstrapping phase\n"
            "    evidence: Process-1 (pid 11430) exit code 1: RuntimeError: An attempt has "
            "been made to start a new process before the current process has finished\n"
            "✗ [spawn, Linux/py3.11] 输出正确：'child running' 1次, 'main done, child "
            "exitcode 0' 1次: 'child running' 0 次（应为 1 次）\n"
            "Score: 18/29")
    lines = fit(text, 80).splitlines()
    assert max(cell_len(x) for x in lines) <= 80 and len(lines) > len(text.splitlines())
    assert lines[-1] == "Score: 18/29"  # a line that fits is left as it is
    # a continuation is indented past its line: the evidence's by 8, a check's by 4
    assert lines[1].startswith("    RuntimeError") and lines[3].startswith("        ")
    assert " ".join(x.strip() for x in lines).split() == text.split()
    assert fit(text, 400) == text


@needs_all_methods
def test_feedback_is_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    env = {"LANG": "zh_CN.UTF-8", "LC_ALL": "zh_CN.UTF-8"}
    r = labkit("grade", "guard", str(ROOT / "exercises/guard/starter.py"), env=env)
    assert r.returncode == 1
    assert "得分" in r.stdout and "提示" in r.stdout and "证据" in r.stdout
    assert "Score:" not in r.stdout


@needs_all_methods
def test_full_marks_exit_0() -> None:
    r = labkit("grade", "globals", str(SOLUTIONS / "globals.py"), "--lang", "en")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(full marks)" in r.stdout


def test_a_file_that_does_not_parse_scores_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("from multiprocessing import Process\nif True\n", encoding="utf-8")
    g = _grade("guard", broken)
    assert g.points == 0 and g.max_points > 0
    static = next(c for c in g.checks if c.method == grading.STATIC)
    assert static.value == "syntax error"
    r = labkit("grade", "guard", str(broken))
    assert r.returncode == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize("args, says", [
    (["grade", "nope", "x.py"], "unknown exercise"),
    (["grade", "guard", "no/such/file.py"], "no such script"),
    (["grade", "guard", "tests"], "is a directory"),
    (["grade", "guard"], "the following arguments are required"),
])
def test_bad_input_exit_2_one_line(args: list[str], says: str) -> None:
    r = subprocess.run([*LABKIT, *args], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2
    assert says in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr


@needs_all_methods
def test_grading_one_exercise_takes_under_15_s() -> None:
    # the slowest kind: a starter that hangs under two methods until the watchdog
    t0 = time.perf_counter()
    _grade("sentinel", exercises.load("sentinel").starter)
    assert time.perf_counter() - t0 < 15.0


# -- the static check ------------------------------------------------------------------


def test_static_guard_flags_module_level_starts_only() -> None:
    bad = "from multiprocessing import Process\np = Process(target=print)\np.start()\n"
    good = ("from multiprocessing import Process\n\ndef f():\n    Process().start()\n\n"
            "if __name__ == '__main__':\n    p = Process(target=print)\n    p.start()\n")
    assert checks.module_level_starts(bad) == ["line 2: Process()", "line 3: start()"]
    assert checks.module_level_starts(good) == []
    assert str(checks.static_guard(bad).status) == "fail"
    assert str(checks.static_guard(good).status) == "pass"
    assert str(checks.static_guard("def (:\n").status) == "fail"


def test_a_grade_round_trips_through_json(tmp_path: Path) -> None:
    g = grading.Grade(exercise="guard", file="x.py", points=1, max_points=2, checks=(),
                      environment={}, hint={"en": "h"})
    path = tmp_path / "g.json"
    grading.write_json(g, path)
    assert grading.load_json(path) == g
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(Exception, match="not a grade file"):
        grading.load_json(tmp_path / "bad.json")


# -- in the 3.14 image (forkserver is Linux's default there) --------------------------------


@pytest.fixture(scope="module")
def image_314() -> str:
    from labkit import images
    from labkit.errors import EnvironmentUnavailable

    try:
        client = images.engine()
    except EnvironmentUnavailable as exc:
        pytest.skip(f"no Docker engine: {exc}")
    images.ensure("3.14", client, log=lambda s: print(s, file=sys.stderr))
    return "3.14"


@pytest.fixture(scope="module")
def grades_314(image_314: str) -> dict[tuple[str, str], grading.Grade]:
    """Each exercise's fix and starter graded in the 3.14 image, a few containers at a
    time (one container per grade; a grade mostly waits for its runs)."""
    from concurrent.futures import ThreadPoolExecutor

    def grade(key: tuple[str, str]) -> grading.Grade:
        x = exercises.load(key[0])
        path = SOLUTIONS / exercises.file_name(key[0]) if key[1] == "fix" else x.starter
        return grading.grade(x, path, container=image_314)

    keys = [(x, which) for x in EXERCISES for which in ("fix", "starter")]
    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(keys, pool.map(grade, keys), strict=True))


@pytest.mark.container
@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_in_the_314_image_the_fix_is_full_and_the_starter_is_not(
    exercise_id: str, grades_314: dict[tuple[str, str], grading.Grade]
) -> None:
    fixed = grades_314[(exercise_id, "fix")]
    assert all("py3.14@" in env for env in fixed.environment["environments"])
    assert _methods(fixed) == {"fork", "spawn", "forkserver", "default"}
    assert fixed.full_marks, [(c.check, c.method, c.value) for c in fixed.failed]
    starter = grades_314[(exercise_id, "starter")]
    assert starter.points < starter.max_points


@pytest.mark.container
@pytest.mark.slow
def test_offline_grading_in_the_classroom_image(image_314: str) -> None:
    # the hardened classroom shell (no network): its starter below full, a fix full
    from labkit import images

    tag = images.ensure_classroom(images.engine()).tag
    args = ["-i" if a == "-it" else a for a in images.classroom_run_args(tag)]  # ends in tag
    script = ("cat > /tmp/fix.py; labkit grade guard exercises/guard/starter.py --json /tmp/s.json"
              " >/dev/null; echo starter=$?; labkit grade guard /tmp/fix.py >/dev/null;"
              " echo fix=$?; python3 -c 'import json; g=json.load(open(\"/tmp/s.json\"));"
              " print(\"points\", g[\"points\"], g[\"max_points\"])'")
    r = subprocess.run([*args, "bash", "-c", script], input=(SOLUTIONS / "guard.py")
                       .read_text(encoding="utf-8"), capture_output=True, text=True, timeout=300)
    assert "--network" in args and "none" in args
    assert "starter=1" in r.stdout and "fix=0" in r.stdout, r.stdout + r.stderr
    points, most = (int(x) for x in r.stdout.split("points", 1)[1].split())
    assert 0 < points < most


def test_container_auto_falls_back_to_native_without_an_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from labkit import images
    from labkit.errors import EnvironmentUnavailable

    def no_engine() -> None:
        raise EnvironmentUnavailable("no engine")

    monkeypatch.setattr(images, "engine", no_engine)
    [plat] = grading.platforms_for(grading.AUTO)
    assert plat.name.startswith("native")
    monkeypatch.setattr(images, "engine", lambda: object())
    [plat] = grading.platforms_for(grading.AUTO)
    assert not plat.name.startswith("native")
    assert plat.python in images.pythons()


def test_no_student_file_shadows_a_standard_module() -> None:
    # `python pickle.py` would make multiprocessing import the student's file as pickle
    assert exercises.file_name("pickle") == "pickle_exercise.py"
    assert exercises.file_name("guard") == "guard.py"
    for i in EXERCISES:
        assert Path(exercises.file_name(i)).stem not in sys.stdlib_module_names
        assert (SOLUTIONS / exercises.file_name(i)).is_file()
