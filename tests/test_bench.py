"""The pure parts of the benchmark and the soak (the measurements never run here)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from labkit import bench, catalogue, soak
from labkit.sweep import RunSpec

# -- statistics -------------------------------------------------------------------------


def test_summarise() -> None:
    assert bench.summarise([]) == {"n": 0}
    one = bench.summarise([2.0])
    assert one["median"] == one["min"] == one["max"] == one["q1"] == one["q3"] == 2.0
    s = bench.summarise([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (s["n"], s["median"], s["min"], s["max"]) == (5, 3.0, 1.0, 5.0)
    assert s["q1"] <= s["median"] <= s["q3"]


def test_ratio_and_paired() -> None:
    assert bench.ratio(3.0, 2.0) == 1.5
    assert bench.ratio(None, 2.0) is None and bench.ratio(1.0, 0.0) is None
    # Per-round pairs: a load that doubles both sides of a pair leaves the figure alone.
    assert bench.paired([1.1, 2.2, 1.1], [1.0, 2.0, 1.0]) == pytest.approx(1.1)
    assert bench.paired([], []) is None
    with pytest.raises(ValueError):
        bench.paired([1.0], [1.0, 2.0])


def test_worst() -> None:
    assert bench.worst({"fork": 1.2, "spawn": 1.05, "forkserver": None}) == ("fork", 1.2)
    assert bench.worst({"fork": None}) == (None, None)


# -- the probe --------------------------------------------------------------------------


def test_parse_probe() -> None:
    lines = ["noise", bench.MARK + '{"method": "spawn", "starts": [0.05, 0.04, 0.045]}']
    data = bench.parse_probe(lines)
    assert data["method"] == "spawn"
    assert bench.first_and_later(data["starts"]) == (0.05, pytest.approx(0.0425))
    with pytest.raises(ValueError):
        bench.parse_probe(["no result here"])
    with pytest.raises(ValueError):
        bench.parse_probe([bench.MARK + '{"method": "fork", "starts": []}'])
    with pytest.raises(ValueError):
        bench.first_and_later([0.01])


def test_probe_scripts_are_files_that_compile() -> None:
    from labkit import bench_probes

    ws = bench.Workspace.make(starts=7)
    try:
        assert ws.probe == bench_probes.START_PROBE and ws.probe.is_file()
        assert (ws.boot / "sitecustomize.py").is_file()
        assert os.environ[bench_probes.STARTS_ENV] == "7"  # the probe's runs inherit it
    finally:
        ws.close()
    assert bench_probes.STARTS_ENV not in os.environ
    probe = ws.probe.read_text(encoding="utf-8")
    compile(probe, "start_probe.py", "exec")
    compile((ws.boot / "sitecustomize.py").read_text(encoding="utf-8"), "sitecustomize.py",
            "exec")
    assert repr(bench.MARK) in probe and bench_probes.STARTS_ENV in probe
    # A spawn child re-imports the probe: its module level must not import more than
    # a child needs anyway, or that import would be timed as start latency.
    module_level = probe.split("if __name__ == '__main__':")[0]
    assert "import json" not in module_level and "import os" not in module_level


def test_the_probe_runs_by_hand(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from labkit import bench_probes

    env = bench.plain_env("spawn", bench_probes.PLAIN_BOOT)
    env[bench_probes.STARTS_ENV] = "3"
    res = subprocess.run([sys.executable, str(bench_probes.START_PROBE)], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    data = bench.parse_probe(res.stdout.splitlines())
    assert data["method"] == "spawn" and len(data["starts"]) == 3


def test_plain_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LABKIT_TRACE_DIR", "/somewhere")
    monkeypatch.setenv("PYTHONPATH", "/other")
    env = bench.plain_env("spawn", tmp_path)
    assert "LABKIT_TRACE_DIR" not in env
    assert env["PYTHONPATH"].split(":")[0] == str(tmp_path)
    assert env["LABKIT_START_METHOD"] == "spawn"
    default = bench.plain_env("default", tmp_path)
    assert default["PYTHONPATH"] == "/other" and "LABKIT_START_METHOD" not in default


# -- the suite's floor ------------------------------------------------------------------


def test_every_lab_script_has_a_floor() -> None:
    missing = [f"{lab.id}/{v}" for lab in catalogue.LABS for v in lab.scripts()
               if v not in lab.sleep_floor]
    assert not missing, missing
    assert catalogue.sleep_floor("/x/labs/04_terminate_now.py") == 2.0


def test_run_floor() -> None:
    assert bench.run_floor("/x/labs/03_join.py", False, 60.0) == 3.0
    assert bench.run_floor("/x/labs/10_guard_pool.py", True, 10.0) == 10.0  # the watchdog
    assert bench.run_floor("/x/mine.py", False, 60.0) is None


def test_makespan_bound() -> None:
    # Four 1 s runs on 4 workers: 1 s; on 1 worker: 4 s; a 5 s run bounds any spread.
    assert bench.makespan_bound([1, 1, 1, 1], [], 4) == 1
    assert bench.makespan_bound([1, 1, 1, 1], [], 1) == 4
    assert bench.makespan_bound([5, 1, 1], [3], 4) == 8
    assert bench.makespan_bound([], [2, 3], 4) == 5


def _spec(script: str, method: str = "fork", concurrent: bool = True,
          timeout: float = 60.0) -> RunSpec:
    return RunSpec(lab=script[:2], variant="base", script=f"/l/{script}", method=method,
                   timeout=timeout, concurrent=concurrent)


def _obs(spec: RunSpec, duration: float, timed_out: bool = False) -> SimpleNamespace:
    return SimpleNamespace(lab=spec.lab, variant=spec.variant,
                           requested_start_method=spec.method, repeat=spec.repeat,
                           timed_out=timed_out, duration_s=duration)


def test_suite_floor() -> None:
    specs = [_spec("01_start.py"), _spec("10_guard_pool.py", "spawn", timeout=10.0),
             _spec("03_join.py", concurrent=False), _spec("mine.py")]
    obs = [_obs(specs[0], 5.2), _obs(specs[1], 10.1, timed_out=True), _obs(specs[2], 3.1),
           _obs(specs[3], 0.4)]
    f = bench.suite_floor(specs, obs, jobs=4)  # type: ignore[arg-type]
    assert f["sleeps_s"] == 8.0 and f["watchdog_s"] == 10.0 and f["serial_s"] == 18.0
    assert f["bound_s"] == 3.0 + 10.0  # alone 3 s, then the longest concurrent run
    assert f["unknown_scripts"] == ["mine.py"]
    assert f["runs_below_floor"] == []
    f = bench.suite_floor(specs[:1], [_obs(specs[0], 1.0)], jobs=1)  # type: ignore[list-item]
    assert f["runs_below_floor"]  # a run faster than its sleeps: the table is wrong


# -- figures ----------------------------------------------------------------------------


def _later(ms: float) -> dict:
    return {"first": {"median": ms * 4e-3}, "later": {"median": ms * 1e-3}}


def test_figures_and_goals() -> None:
    results = {
        "latency": {
            "bare_s": {"median": 0.040},
            "bare_traced_s": {"median": 0.048},
            "bare_traced_over_bare": 1.2,
            "methods": {
                m: {"plain": _later(p), "tracer": _later(t), "tracer_over_plain_later": t / p,
                    "tracer_over_plain_first": 1.0, "plain_later_over_bare": p / 40,
                    "tracer_later_over_bare": t / 40}
                for m, p, t in (("fork", 1.0, 1.05), ("spawn", 40.0, 46.0),
                                ("forkserver", 5.0, 5.2))
            },
        },
        "kit": {"03_join.py": {"default": {"ratio": 1.02}},
                "12_globals.py": {"default": {"ratio": 1.8}}},
        "container": {"skipped": "EnvironmentUnavailable: no engine"},
    }
    f = bench.figures(results)
    tracer = f["tracer_overhead_ratio"]
    assert tracer["worst_method"] == "spawn" and tracer["value"] == pytest.approx(1.15)
    assert tracer["meets_goal"] is False and tracer["goal"] == 1.10
    assert f["spawn_over_fork_start"]["value"] == pytest.approx(40.0)
    assert f["forkserver_later_over_fork_start"]["value"] == pytest.approx(5.0)
    assert f["start_over_bare_interpreter"]["plain"]["fork"] == pytest.approx(1 / 40)
    assert f["kit_overhead_ratio"]["worst"] == "12_globals.py/default"
    assert f["kit_overhead_ratio"]["per_lab_worst"]["03_join.py"] == 1.02
    assert f["container_overhead_ratio"]["value"] is None
    assert "no engine" in f["container_overhead_ratio"]["skipped"]
    # the tracer on a bare start: 1.2 meets the 1.3 goal
    bare = f["tracer_bare_start_ratio"]
    assert bare["value"] == 1.2 and bare["goal"] == 1.3 and bare["meets_goal"] is True
    assert "cli_start_over_bare" not in f and "labkit_run_over_plain" not in f  # not measured


def _startup(version_ms: float, list_ms: float, bare_ms: float = 10.0) -> dict:
    walls = {"version": version_ms, "help": 2 * version_ms, "list": list_ms, "bare": bare_ms}
    return {"wall_s": {k: {"median": v / 1e3} for k, v in walls.items()},
            "version_over_bare": version_ms / bare_ms, "help_over_bare": 2 * version_ms / bare_ms,
            "list_over_bare": list_ms / bare_ms}


def test_cli_start_figures() -> None:
    def cli(ms: float) -> dict:
        return {"lab": "12", "wall_s": {"median": ms / 1e3}, "plain_s": {"median": 0.040},
                "over_plain": ms / 40}

    f = bench.figures({"startup": _startup(25.0, 90.0), "cli": cli(100.0)})
    start = f["cli_start_over_bare"]
    assert start["value"] == pytest.approx(2.5) and start["meets_goal"] is True
    assert start["list_over_bare"] == pytest.approx(9.0) and start["version_ms"] == 25.0
    assert start["help_over_bare"] == pytest.approx(5.0)
    run = f["labkit_run_over_plain"]
    assert run["value"] == pytest.approx(2.5) and run["meets_goal"] is True
    assert (run["command_ms"], run["plain_ms"]) == (pytest.approx(100.0), pytest.approx(40.0))
    # the counter-examples: a slow start and a slow command miss their goals
    f = bench.figures({"startup": _startup(100.0, 200.0), "cli": cli(400.0)})
    assert f["cli_start_over_bare"]["meets_goal"] is False
    assert f["labkit_run_over_plain"]["value"] == pytest.approx(10.0)
    assert f["labkit_run_over_plain"]["meets_goal"] is False


# -- the soak ---------------------------------------------------------------------------


def _run(**statuses: str) -> dict[str, dict[str, str]]:
    return {k: {"status": s, "value": f"v-{s}"} for k, s in statuses.items()}


def test_find_flips() -> None:
    runs = [_run(a="pass", b="pass", c="n/a"), _run(a="pass", b="fail", c="n/a"),
            _run(a="pass", b="pass")]
    flips = soak.find_flips(runs)
    assert [f["key"] for f in flips] == ["b", "c"]
    b = flips[0]
    assert b["statuses"] == {"pass": 2, "fail": 1}
    assert b["runs"] == {"fail": [2], "pass": [1, 3]}
    assert b["values"]["fail"] == ["#2: v-fail"]
    assert flips[1]["statuses"] == {"n/a": 2, soak.MISSING: 1}
    assert soak.find_flips([_run(a="pass")] * 3) == []
    assert soak.find_flips([]) == []


def test_always() -> None:
    runs = [_run(a="fail", b="pass"), _run(a="fail", b="fail")]
    assert soak.always(runs, "fail") == ["a"]
    assert soak.always([], "fail") == []


def test_verdict_key() -> None:
    assert soak.verdict_key("seed.join.concurrent", "spawn", "Linux/py3.13") == (
        "seed.join.concurrent[spawn]@Linux/py3.13")
