"""One command line: `labkit images|bench|soak` beside run/compare/check, their `python -m`
aliases, one exit-code mapping, and a start that imports only what a command uses."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from labkit import cli

NO_ENGINE = "unix:///nonexistent/labkit-docker.sock"

# Runs the command in-process, then reports every module it imported.
MODULES_PROBE = """\
import sys
from labkit.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
import json
print("MODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def run(*argv: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL, check=False)


def imported_by(*args: str) -> tuple[int, set[str]]:
    proc = run("-c", MODULES_PROBE, *args)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES "))
    data = json.loads(line.removeprefix("MODULES "))
    return data["code"], set(data["modules"])


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules} | modules


# -- start-up cost ----------------------------------------------------------------------

HEAVY = {"docker", "psutil", "labkit.report", "labkit.images", "labkit.bench", "labkit.soak",
         "labkit.grade"}


def test_version_imports_nothing_it_does_not_use() -> None:
    code, modules = imported_by("--version")
    assert code == 0
    found = _top(modules) & (HEAVY | {"rich", "labkit.runner", "labkit.catalogue",
                                      "multiprocessing", "labkit.claims"})
    assert not found, f"`labkit --version` imported {sorted(found)}"


def test_list_imports_nothing_it_does_not_use() -> None:
    code, modules = imported_by("list")
    assert code == 0
    assert "rich.table" in modules and "labkit.catalogue" in modules  # what it does use
    found = _top(modules) & HEAVY
    assert not found, f"`labkit list` imported {sorted(found)}"


def test_the_import_check_can_fail() -> None:
    # The counter-example: a command that does use the report is seen importing it.
    code, modules = imported_by("report", "--help")
    assert code == 0 and "labkit.report" in modules
    code, modules = imported_by("images", "--help")
    assert code == 0 and "labkit.images" in modules and "docker" not in modules


def test_version_starts_within_a_few_bare_interpreter_starts() -> None:
    # Paired rounds (a load moves both sides of a pair); the goal is 3x, the ceiling here
    # generous for a shared machine. `labkit bench --only startup` records the figure.
    cli_cmd = ["-c", "from labkit.cli import main; main()", "--version"]
    run(*cli_cmd)  # byte-compile once
    ratios = []
    for _ in range(7):
        t = time.perf_counter()
        run("-c", "pass")
        bare = time.perf_counter() - t
        t = time.perf_counter()
        assert run(*cli_cmd).returncode == 0
        ratios.append((time.perf_counter() - t) / bare)
    assert statistics.median(ratios) < 6.0, ratios


# -- subcommands and their aliases ----------------------------------------------------------


@pytest.mark.parametrize("name", ["images", "bench", "soak"])
def test_python_m_is_an_alias_of_the_subcommand(name: str) -> None:
    sub = run("-m", "labkit", name, "--help")
    alias = run("-m", f"labkit.{name}", "--help")
    assert sub.returncode == alias.returncode == 0, sub.stderr + alias.stderr
    assert sub.stdout == alias.stdout
    assert sub.stdout.startswith(f"usage: labkit {name}")


def test_top_level_help_lists_every_command() -> None:
    proc = run("-m", "labkit", "--help")
    assert proc.returncode == 0
    for name in ("list", "run", "compare", "check", "report", "images", "bench", "soak",
                 "grade", "predict", "classroom"):
        assert name in proc.stdout


def test_the_deferred_parsers_are_filled_only_for_their_command() -> None:
    lean = cli.build_parser()
    full = cli.build_parser("bench")
    assert lean.parse_args(["list"]).command == "list"
    assert full.parse_args(["bench", "--only", "startup"]).only == "startup"
    with pytest.raises(cli.UsageError):  # bench's arguments were not added
        lean.parse_args(["bench", "--only", "startup"])
    # the command word is found whatever comes before it; a value that merely looks like
    # a command fills that parser too, and changes nothing else
    assert cli._commands_in(["--lang", "zh", "bench", "--quick"]) == ["bench"]
    argv = ["check", "bench"]
    args = cli.build_parser(*cli._commands_in(argv)).parse_args(argv)
    assert args.command == "check" and [str(p) for p in args.paths] == ["bench"]


# -- one exit-code mapping ---------------------------------------------------------------


@pytest.mark.parametrize("argv, code, words", [
    (["-m", "labkit", "nosuch"], 2, "invalid choice"),
    (["-m", "labkit", "images"], 2, "images_command"),
    (["-m", "labkit.images", "bogus"], 2, "labkit images --help"),
    (["-m", "labkit", "images", "load", "/nonexistent/x.tar"], 2, "no such file"),
    (["-m", "labkit", "bench", "--only", "nope"], 2, "unknown part"),
    (["-m", "labkit.bench", "--rounds", "0"], 2, "--rounds must be at least 1"),
    (["-m", "labkit", "soak", "0"], 2, "N must be at least 1"),
    (["-m", "labkit.soak", "--jobs", "0"], 2, "--jobs must be at least 1"),
    (["-m", "labkit", "soak", "many"], 2, "invalid int value"),
    (["-m", "labkit", "grade"], 2, "the following arguments are required"),
])
def test_bad_input_is_exit_2_in_one_line(argv: list[str], code: int, words: str) -> None:
    proc = run(*argv)
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("labkit: ") and words in lines[0], lines
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("argv", [["-m", "labkit", "images", "list"],
                                  ["-m", "labkit.images", "list"]])
def test_no_engine_is_exit_3(argv: list[str]) -> None:
    proc = run(*argv, env={"DOCKER_HOST": NO_ENGINE})
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr and "DOCKER_HOST" in proc.stderr


def _verdict(status: str) -> SimpleNamespace:
    return SimpleNamespace(claim="seed.x.y", method="fork", environment="Linux/py3",
                           status=status, value=f"v-{status}")


def _soak(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, statuses: list[str]) -> int:
    import labkit.claims
    import labkit.sweep

    sweeps = iter(statuses)
    monkeypatch.setattr(labkit.sweep, "run_specs", lambda specs, **kw: [])
    monkeypatch.setattr(labkit.claims, "judge_all", lambda obs: [_verdict(next(sweeps))])
    with pytest.raises(SystemExit) as info:
        cli.main(["soak", str(len(statuses)), "--no-load", "--labs", "12",
                  "--out", str(tmp_path / "soak.json")])
    return int(info.value.code or 0)


def test_a_soak_whose_verdicts_hold_exits_0(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _soak(monkeypatch, tmp_path, ["pass", "pass"]) == 0
    assert json.loads((tmp_path / "soak.json").read_text())["flips"] == []


def test_a_flip_is_exit_1_through_the_one_mapping(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert _soak(monkeypatch, tmp_path, ["pass", "race"]) == 1
    err = capsys.readouterr().err
    assert "labkit: 1 verdict(s) flipped between sweeps: seed.x.y[fork]@Linux/py3" in err
    assert json.loads((tmp_path / "soak.json").read_text())["n_completed"] == 2


# -- the tracer's cost on an interpreter's start --------------------------------------------

SHOW_MODULES = "import sys; print(' '.join(sorted(sys.modules)))"


def _traced_env(trace_dir: Path) -> dict[str, str]:
    from labkit import runner

    return {"PYTHONPATH": str(runner.BOOT_DIR), "LABKIT_TRACE_DIR": str(trace_dir),
            "LABKIT_T0_NS": "0", "LABKIT_MAIN_PID": "1", "LABKIT_START_METHOD": "default"}


def test_a_traced_bare_interpreter_imports_little_more_than_a_bare_one(tmp_path: Path) -> None:
    bare = set(run("-c", SHOW_MODULES).stdout.split())
    proc = run("-c", SHOW_MODULES, env=_traced_env(tmp_path))
    traced = set(proc.stdout.split())
    assert "_labkit_tracer" in traced  # the tracer did load, and wrote its event
    assert '"ev": "interp"' in next(tmp_path.glob("*.jsonl")).read_text()
    heavy = (traced - bare) & {"json", "re", "multiprocessing", "socket", "pickle"}
    assert not heavy, f"the tracer imported {sorted(heavy)} into a bare interpreter"


def test_multiprocessing_is_traced_once_it_is_imported(tmp_path: Path) -> None:
    # The other side: an interpreter that imports multiprocessing late still has its
    # children's starts and boots recorded.
    late = ("import multiprocessing as mp\n"
            "p = mp.get_context('fork').Process(target=print)\n"
            "p.start(); p.join()\n")
    proc = run("-c", late, env=_traced_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    events = "".join(f.read_text() for f in tmp_path.glob("*.jsonl"))
    for ev in ("start_req", "start_ret", "boot", "left"):
        assert f'"ev": "{ev}"' in events, ev


def test_container_sweep_failed_is_one_of_the_kit_errors() -> None:
    from labkit.errors import ContainerSweepFailed, LabkitError
    from labkit.platforms import container

    err = ContainerSweepFailed("the sweep was killed", observations=["o1", "o2"])  # type: ignore[list-item]
    assert isinstance(err, LabkitError) and err.exit_code == 1
    assert err.observations == ["o1", "o2"] and str(err) == "the sweep was killed"
    assert container.ContainerSweepFailed is ContainerSweepFailed  # one class, one place


def test_an_engine_error_mid_command_is_exit_3_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                           capsys) -> None:  # type: ignore[no-untyped-def]
    docker_errors = pytest.importorskip("docker.errors", reason="the docker SDK raises it")
    from labkit import images

    def refuse(**_: object) -> list[object]:
        raise docker_errors.APIError("500 Server Error: the engine said no")

    client = SimpleNamespace(images=SimpleNamespace(list=refuse))
    monkeypatch.setattr(images, "engine", lambda: client)
    with pytest.raises(SystemExit) as info:
        cli.main(["images", "list"])
    assert info.value.code == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["labkit: the Docker engine: 500 Server Error: the engine said no"]
    # a bug of the kit's own is not dressed up as an engine error
    monkeypatch.setattr(images, "kit_images", lambda c: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        cli.main(["images", "list"])
