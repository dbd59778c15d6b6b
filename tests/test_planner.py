"""The planner, unit by unit: requests in, RunSpecs out, no process started."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from labkit import catalogue, planner
from labkit.claims import all_claims
from labkit.errors import UsageError
from labkit.planner import Request

LINUX = ("fork", "spawn", "forkserver")


def _plan(request: Request, available=LINUX, default="fork") -> planner.Plan:  # type: ignore[no-untyped-def]
    return planner.plan(request, available, default)


def _runs(plan: planner.Plan) -> Counter[tuple[str, str, str]]:
    return Counter((s.lab, s.variant, s.method) for s in plan.specs)


def test_lab_05_all_methods_plans_every_variant_its_claims_read() -> None:
    runs = _runs(_plan(Request(labs=("05",), methods=("all",))))
    for method in LINUX:
        assert runs[("05", "base", method)] == 1
        assert runs[("05", "child", method)] == 3  # seed.daemon.no_children reads 3
        assert runs[("05", "main_ends", method)] == 3  # seed.daemon.123 reads 3 runs
        assert runs[("05", "after_print", method)] == 1
        assert runs[("05", "after_start", method)] == 1
    assert sum(runs.values()) == 27


def test_lab_01_gets_its_repeats_under_the_platform_default() -> None:
    plan = _plan(Request(labs=("01",)), default="fork")
    runs = _runs(plan)
    assert runs[("01", "base", "fork")] == 3
    assert [s.repeat for s in plan.specs if s.variant == "base"] == [0, 1, 2]
    assert runs[("01", "sleep", "fork")] == 1 and runs[("01", "subclass", "fork")] == 1
    # on a platform whose default is spawn, the same request runs under spawn
    assert {s.method for s in _plan(Request(labs=("01",)), default="spawn").specs} == {"spawn"}


def test_more_repeats_than_the_claims_need_are_honoured_fewer_are_not() -> None:
    assert _runs(_plan(Request(labs=("01",), repeats=5)))[("01", "sleep", "fork")] == 5
    assert _runs(_plan(Request(labs=("01",), repeats=1)))[("01", "base", "fork")] == 3


def test_lab_timeouts_are_honoured_unless_the_user_gives_one() -> None:
    [spec] = _plan(Request(labs=("08",), variants=("no_sentinel",), methods=("fork",))).specs
    assert spec.variant == "no_sentinel" and spec.timeout == 15.0
    [spec] = _plan(Request(labs=("08",), variants=("no_sentinel",), methods=("fork",),
                           timeout=4.0)).specs
    assert spec.timeout == 4.0
    base = [s for s in _plan(Request(labs=("08",))).specs if s.variant == "base"]
    assert base and all(s.timeout == catalogue.DEFAULT_TIMEOUT for s in base)


def test_timing_labs_run_alone_everywhere() -> None:
    plan = _plan(Request(labs=("all",), methods=("all",)))
    alone = {(s.lab, s.variant) for s in plan.specs if not s.concurrent}
    together = {(s.lab, s.variant) for s in plan.specs if s.concurrent}
    timing = {(lab.id, v) for lab in catalogue.LABS for v in lab.timing}
    assert alone == timing == {("03", "base"), ("05", "child"), ("14", "base")}
    assert not alone & together
    # 03's serial variant only has to last its 6 s: it may share the machine
    assert ("03", "serial") in together
    # the one-lab request too (it was concurrent when the CLI built specs by hand)
    assert not any(s.concurrent for s in _plan(Request(labs=("03",), methods=("all",))).specs
                   if s.variant == "base")


def test_a_comparison_claim_gets_its_fixed_method_run() -> None:
    # seed.join.spawn_costlier, judged under spawn, reads lab 03 under fork too
    runs = _runs(_plan(Request(labs=("03",), methods=("spawn",))))
    assert runs == Counter({("03", "base", "spawn"): 1, ("03", "base", "fork"): 1,
                            ("03", "serial", "spawn"): 1})


def test_a_lab_judged_under_default_gets_a_default_run() -> None:
    runs = _runs(_plan(Request(labs=("16",), methods=("fork",))))
    assert runs[("16", "base", "default")] == 1 and runs[("16", "base", "fork")] == 1
    assert set(_runs(_plan(Request(labs=("10",)))).keys()) == {
        ("10", "base", "default"), ("10", "pool", "default")}


def test_variant_narrows_to_it_and_the_claims_reading_it() -> None:
    plan = _plan(Request(labs=("04",), variants=("now",), methods=("fork",)))
    # seed.terminate.dead_later reads now (3 runs) and base: both are planned
    assert _runs(plan) == Counter({("04", "now", "fork"): 3, ("04", "base", "fork"): 1})
    assert {c.id for c in plan.claims} == {"seed.terminate.not_dead_at_once",
                                           "seed.terminate.dead_later"}
    with pytest.raises(UsageError, match="no variant"):
        _plan(Request(labs=("04",), variants=("nope",)))


def test_all_labs_with_a_variant_plans_the_labs_that_have_it() -> None:
    # `labkit run all --variant nolock`: lab 06's variant, not an error about lab 01
    plan = _plan(Request(labs=("all",), variants=("nolock",), methods=("fork",)))
    assert {lab for lab, _, _ in _runs(plan)} == {"06"}
    assert {c.id for c in plan.claims} == {"seed.mutex.oversold_without_lock"}
    with pytest.raises(UsageError, match="no variant"):  # a lab named outright still must
        _plan(Request(labs=("01",), variants=("nolock",)))


def test_the_whole_catalogue_plans_every_run_every_claim_reads() -> None:
    plan = _plan(Request(labs=("all",), methods=("all",)))
    runs = _runs(plan)
    for claim in all_claims():
        for method in claim.methods:
            for need, (lab, variant, m) in zip(claim.needs, claim.reads(method), strict=True):
                assert runs[(lab, variant, m)] >= need.repeats, (claim.id, method, need)
    # tests/data/observations-linux-py3.11.zip holds 135: lab 05 child once per method
    assert len(plan) == 141
    assert plan.jobs == planner.LAB_JOBS


def test_a_missing_method_plans_no_comparison_run() -> None:
    # a platform without fork (Windows): the comparison need under fork is dropped
    runs = _runs(_plan(Request(labs=("03",), methods=("all",)), available=("spawn",),
                       default="spawn"))
    assert set(runs) == {("03", "base", "spawn"), ("03", "serial", "spawn")}


def test_user_scripts_run_one_at_a_time_in_the_invoking_folder(tmp_path: Path) -> None:
    plan = _plan(Request(scripts=("x.py",), methods=("all", "default"), cwd=str(tmp_path)))
    assert plan.jobs == 1
    assert [s.method for s in plan.specs] == [*LINUX, "default"]
    assert {s.cwd for s in plan.specs} == {str(tmp_path)}
    assert _plan(Request(scripts=("x.py",), jobs=3)).jobs == 3
    assert {s.cwd for s in _plan(Request(scripts=("x.py",), isolate=True)).specs} == {None}
    assert {s.cwd for s in _plan(Request(labs=("12",))).specs} == {None}  # labs: temp folder


def test_compare_runs_a_script_named_twice_once(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    plan = _plan(Request(scripts=("x.py", "./x.py", str(tmp_path / "x.py"), "y.py"),
                         methods=("all",)))
    assert Counter(s.lab for s in plan.specs) == Counter({"x.py": 3, "y.py": 3})


def test_a_script_with_repeats_and_timeout() -> None:
    plan = _plan(Request(scripts=("x.py",), methods=("spawn",), repeats=2, timeout=5))
    assert [(s.method, s.repeat, s.timeout) for s in plan.specs] == [
        ("spawn", 0, 5), ("spawn", 1, 5)]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (Request(labs=("03",), methods=("thread",)), "unknown start method"),
        (Request(labs=("03",), methods=("forkserver",)), "not available"),
        (Request(labs=("99",)), "unknown lab"),
        (Request(labs=("03",), repeats=0), "--repeat"),
        (Request(labs=("03",), timeout=0), "--timeout"),
        (Request(scripts=("x.py",), jobs=0), "--jobs"),
    ],
)
def test_bad_requests_are_usage_errors(request_: Request, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _plan(request_, available=("fork", "spawn"))


def test_exact_plans_only_what_is_asked() -> None:
    plan = _plan(Request(labs=("03", "12"), methods=("fork", "spawn"), exact=True, jobs=1))
    assert _runs(plan) == Counter({(lab, "base", m): 1 for lab in ("03", "12")
                                   for m in ("fork", "spawn")})
    assert plan.jobs == 1


# -- through the command line: a script runs as it does by hand ----------------------

SHOP = """\
import multiprocessing as mp
def child():
    print('child reads', open('db.txt').read().strip())
if __name__ == '__main__':
    print('main reads', open('db.txt').read().strip())
    p = mp.Process(target=child); p.start(); p.join()
"""


def _labkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "labkit", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_a_script_reads_its_data_file_from_the_invoking_folder(tmp_path: Path) -> None:
    (tmp_path / "db.txt").write_text("1 ticket\n", encoding="utf-8")
    (tmp_path / "shop.py").write_text(SHOP, encoding="utf-8")
    r = _labkit("run", "shop.py", "-m", "spawn", "--json", "obs.json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    texts = [ln["text"] for ln in json.loads((tmp_path / "obs.json").read_text())["output"]]
    assert texts == ["main reads 1 ticket", "child reads 1 ticket"], texts
    # --isolate: a fresh folder without db.txt, as the kit did before
    r = _labkit("run", "shop.py", "-m", "spawn", "--isolate", "--json", "iso.json",
                cwd=tmp_path)
    data = json.loads((tmp_path / "iso.json").read_text())
    assert data["exit_code"] == 1 and any("FileNotFoundError" in ln["text"]
                                          for ln in data["output"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.txt", "iso.json", "obs.json",
                                                          "shop.py"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "x.py", "--variant", "now"], "--variant applies to a lab"),
        (["run", "03", "--isolate"], "--isolate applies to a script"),
        (["run", "x.py", "--jobs", "0"], "--jobs: '0' must be from 1"),
        (["compare", "x.py", "--jobs", "0"], "--jobs: '0' must be from 1"),
    ],
)
def test_script_options_misused_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "x.py").write_text("print('hi')\n", encoding="utf-8")
    r = _labkit(*args, cwd=tmp_path)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr, r.stderr
