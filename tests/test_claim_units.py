"""Every claim on synthetic Observations: it passes (or reports its race) on the documented
behaviour, and fails on at least one counter-example -- a missing line, a wrong order, a
wrong count, a wrong exit code. No process is started; the file runs in about a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import synth
from synth import (
    MAIN,
    SERVER,
    Mutation,
    add,
    add_child,
    both,
    children,
    drop,
    latency,
    move,
    no_children,
    repid,
    replace_run,
    rerun,
    retext,
)

from labkit.claims import Claim, Evidence, Status, all_claims
from labkit.claims.kit import expected_default, preload_error_kills_server, preloads_main
from labkit.claims.texts import TEXTS, TUTORIAL, TutorialVerdict
from labkit.observation import Observation

RACY = {"fork", "forkserver"}


@dataclass(frozen=True)
class Counter:
    """A counter-example: one run of the claim's evidence broken in one way."""

    why: str
    target: tuple[str, str]  # (lab, variant) of the run(s) to break
    mutation: Mutation
    methods: tuple[str, ...] = ()  # judged under these only; () = every method of the claim
    under: str | None = None  # break the target's runs made under this method instead


def C(why: str, target: tuple[str, str], mutation: Mutation, methods: tuple[str, ...] = (),
      under: str | None = None) -> Counter:
    return Counter(why, target, mutation, methods, under)


L01, L01S, L01C, L01R = ("01", "base"), ("01", "sleep"), ("01", "subclass"), ("01", "run")
L03, L03S = ("03", "base"), ("03", "serial")
L04, L04N = ("04", "base"), ("04", "now")
L05, L05C, L05M = ("05", "base"), ("05", "child"), ("05", "main_ends")
L05P, L05A = ("05", "after_print"), ("05", "after_start")
L06, L06N, L06F = ("06", "base"), ("06", "nolock"), ("06", "no_finally")
L07, L07F = ("07", "base"), ("07", "full")
L07B, L07T, L07G = ("07", "put_block"), ("07", "put_timeout"), ("07", "get_nowait")
L08, L08N, L09 = ("08", "base"), ("08", "no_sentinel"), ("09", "base")
L10, L10P = ("10", "base"), ("10", "pool")
L15, L15P = ("15", "base"), ("15", "passed")
FORK_LIKE = ("fork", "default")  # "default" is fork on the synthetic Linux/3.11 platform
NOT_FORK = ("spawn", "forkserver")

COUNTERS: dict[str, list[Counter]] = {
    "seed.start.main_first": [
        C("the child prints first under spawn", L01, move("3、主", 0.3), ("spawn",)),
        C("main's line is missing", L01, drop("3、主")),
    ],
    "seed.start.sleep_child_first": [
        C("main prints first despite the sleep", L01S, move("1、alex is running", 1.2)),
        C("the child's line is missing", L01S, drop("1、alex is running")),
    ],
    "seed.start.subclass_other_pid": [
        C("run() printed from main's pid", L01C, repid("1、进程1 is running", MAIN)),
        C("no child traced", L01C, no_children()),
        C("the subclass's line is missing", L01C, drop("1、进程1 is running")),
    ],
    "seed.start.run_in_parent": [
        C("run() printed from another pid", L01R, repid("1、进程1 is running", 4242)),
        C("'3、主' before run() ended", L01R, move("2、进程1 is done", 3.5)),
        C("a child process appeared", L01R, add_child()),
        C("main's line is missing", L01R, drop("3、主")),
    ],
    "seed.isolation.n": [
        C("the parent's n changed", ("02", "base"), retext(f"100 {MAIN}", f"0 {MAIN}")),
        C("the child's line is missing", ("02", "base"), drop(" 1001 ")),
        C("no child traced", ("02", "base"), no_children()),
    ],
    "seed.isolation.is_alive": [
        C("alive after join()", ("02", "base"), retext("False", "True")),
        C("is_alive lines missing", ("02", "base"), drop("True")),
    ],
    "seed.isolation.ppid": [
        C("the printed ppid is another process", ("02", "base"),
          retext(f" {MAIN}", " 4242"), ("fork", "spawn")),
        C("the printed ppid is main under forkserver", ("02", "base"),
          retext(f" {SERVER}", f" {MAIN}"), ("forkserver",)),
        C("the child's line is missing", ("02", "base"), drop(" 1001 ")),
    ],
    "seed.join.concurrent": [
        C("the total is the sum", L03, replace_run(lambda m: synth.lab03(m, total=6.3))),
        C("the total line is missing", L03, drop("主进程，")),
    ],
    "seed.join.start_cost": [
        C("total below the longest sleep", L03, replace_run(lambda m: synth.lab03(m, total=2.9))),
        C("no start traced", L03, no_children()),
    ],
    "seed.join.spawn_costlier": [
        C("fork starts as slow as spawn", L03, latency(0.05), under="fork"),
        C("no spawn start traced", L03, no_children()),
    ],
    "seed.join.serial": [
        C("one at a time yet about 3 s", L03S,
          replace_run(lambda m: synth.lab03_serial(m, total=3.4))),
        C("the second child ran before the first ended", L03S, move("1、2 is running", 0.5)),
        C("the serial total line is missing", L03S, drop("主进程，")),
    ],
    "seed.terminate.not_dead_at_once": [
        C("dead right after terminate()", L04N,
          retext("after terminate: True", "after terminate: False")),
        C("the line is missing", L04N, drop("after terminate:")),
    ],
    "seed.terminate.dead_later": [
        C("alive a second later", L04N, retext("1s later: False", "1s later: True")),
        C("the tutorial lab printed True twice", L04, retext("False", "True")),
    ],
    "seed.terminate.dies_quickly": [
        C("dead only after a second", ("04", "poll"),
          replace_run(lambda m: synth.lab04_poll(m, ms=950.0))),
        C("dead after 600 ms", ("04", "poll"),
          replace_run(lambda m: synth.lab04_poll(m, ms=600.0))),
        C("the poll line is missing", ("04", "poll"), drop("dead after")),
        C("the child's last print reached", ("04", "poll"), add("2、lqx is done", 3.1, 1001)),
    ],
    "seed.terminate.exitcode": [
        C("exit code 0", L04, children(exitcode=0)),
        C("the last print reached", L04, add("2、lqx is done", 3.2, 1001)),
        C("no child traced", L04, no_children()),
    ],
    "seed.daemon.no_children": [
        C("no AssertionError", L05C, drop("daemonic processes")),
        C("the child was no daemon", L05C, children(daemon=False)),
        C("bar ran", L05C, add("bar", 0.3, 1002)),
        C("the daemon never booted before main's code ended", L05C,
          children(started_t=1.5)),
        C("the daemon never booted at all", L05C, children(started_t=None)),
    ],
    "seed.daemon.dies_with_main": [
        C("'is end' printed", L05, add("lqx is end", 2.2, 1001)),
        C("the daemon exited by itself", L05, children(exitcode=0)),
        C("main's line is missing", L05, drop("主进程")),
    ],
    "seed.daemon.123": [
        C("123 printed under spawn", L05M, add("123", 0.115, 1001), ("spawn",)),
        C("main's line is missing", L05M, drop("main____")),
    ],
    "seed.daemon.non_daemon_finishes": [
        C("end456 missing", L05M, drop("end456")),
        C("main____ missing", L05M, drop("main____")),
    ],
    "seed.daemon.123_after_main": [
        C("123 after main____ under spawn", L05M, add("123", 0.2, 1001), ("spawn",)),
        C("main's line is missing", L05M, drop("main____")),
    ],
    "seed.daemon.lives_while_main_runs": [
        C("'end' before main____", L05P, move("end", 0.115)),
        C("'end' missing", L05P, drop("end")),
        C("123 missing", L05P, drop("123")),
        C("main____ missing", L05P, drop("main____")),
    ],
    "seed.daemon.set_after_start": [
        C("no AssertionError", L05A, drop("AssertionError")),
        C("main exited 0", L05A, rerun(exit_code=0)),
        C("the child did not finish", L05A, drop("lqx is end")),
        C("main went on to print", L05A, add("主进程", 1.2)),
    ],
    "seed.mutex.never_oversold": [
        C("oversold", L06, replace_run(lambda m: synth.lab06(m, sold=2))),
        C("nothing sold", L06, replace_run(lambda m: synth.lab06(m, sold=0))),
    ],
    "seed.mutex.oversold_without_lock": [
        C("sold once", L06N, replace_run(lambda m: synth.lab06_nolock(m, sold=1))),
    ],
    "seed.mutex.held_after_error": [
        C("the run ended by itself", L06F, rerun(timed_out=False)),
        C("no error", L06F, drop("ConnectionError")),
        C("a ticket sold after the error", L06F, add("1005 购票成功！", 2.0, 1005)),
        C("a buyer never looked", L06F, drop("1003 查看余票为1")),
    ],
    "seed.queue.fifo": [
        C("wrong order", L07, retext("first", "third")),
    ],
    "seed.queue.empty_timeout": [
        C("Empty at once", L07, move("_queue.Empty", 0.5)),
        C("no Empty", L07, drop("Empty")),
    ],
    "seed.queue.full": [
        C("no Full", L07F, drop("Full")),
        C("exit code 0", L07F, rerun(exit_code=0)),
    ],
    "seed.queue.put_blocks": [
        C("the run ended by itself", L07B, rerun(timed_out=False)),
        C("something printed", L07B, add("first", 0.1)),
    ],
    "seed.queue.put_timeout": [
        C("Full at once", L07T, move("queue.Full", 0.2)),
        C("no Full", L07T, drop("queue.Full")),
        C("exit code 0", L07T, rerun(exit_code=0)),
    ],
    "seed.queue.get_nowait": [
        C("Empty after 3 s", L07G, move("_queue.Empty", 3.1)),
        C("no Empty", L07G, drop("Empty")),
        C("a value missing", L07G, drop("first")),
    ],
    "seed.pc.each_once": [
        C("an item never eaten", L08, drop("吃掉了食物2")),
        C("an item eaten twice", L08, add("吃货pig吃掉了水1", 5.0, 1004)),
    ],
    "seed.pc.consumers_stop": [
        C("the watchdog ended it", L08, rerun(timed_out=True)),
        C("a consumer failed", L08, children(exitcode=1)),
    ],
    "seed.pc.no_sentinel_hangs": [
        C("it ended by itself", L08N, rerun(timed_out=False)),
        C("an item never eaten", L08N, drop("吃掉了水0")),
    ],
    "seed.joinable.join_waits": [
        C("'主' before the last item", L09, move("主", 1.0)),
        C("'主' missing", L09, drop("主")),
    ],
    "seed.joinable.daemons_gone": [
        C("the daemons exited by themselves", L09, children(exitcode=0)),
        C("no daemon consumers", L09, children(daemon=False)),
    ],
    "kit.guard.unguarded": [
        C("the fork child failed", L10, children(exitcode=1), FORK_LIKE),
        C("the child ran", L10, both(add("child running 1001", 0.2, 1001),
                                     children(exitcode=0)), NOT_FORK),
        C("no bootstrapping error", L10, drop("bootstrapping"), NOT_FORK),
        C("main crashed without preload", L10, drop("main done"), NOT_FORK),
    ],
    "kit.guard.pool": [
        C("no result under fork", L10P, drop("pool result"), FORK_LIKE),
        C("a result without the guard", L10P, add("pool result [0, 1, 4, 9]", 0.3), NOT_FORK),
        C("it ended by itself without preload", L10P, rerun(timed_out=False), NOT_FORK),
    ],
    "kit.reimport.module_code": [
        C("one run too many", ("11", "base"),
          add("module level code runs in __mp_main__ 4242", 0.3, 4242)),
        C("the main run missing", ("11", "base"), drop("in __main__")),
    ],
    "kit.globals.set_in_main": [
        C("the fork child sees the original", ("12", "base"),
          retext("set in main", "original"), ("fork",)),
        C("the child sees main's value", ("12", "base"),
          retext("original", "set in main"), NOT_FORK),
        C("the line is missing", ("12", "base"), drop("child sees")),
    ],
    "kit.pickle.local_target": [
        C("the lambda failed under fork", ("13", "base"),
          retext("lambda: ran", "lambda: failed in parent: PicklingError"), ("fork",)),
        C("the lambda ran without pickling", ("13", "base"),
          retext("lambda: failed in parent: PicklingError", "lambda: ran"), NOT_FORK),
        C("a result line missing", ("13", "base"), drop("nested: ")),
    ],
    "kit.latency.spawn_over_fork": [
        C("spawn as fast as fork", ("14", "base"), latency(0.002)),
        C("starts not traced", ("14", "base"), no_children()),
    ],
    "kit.latency.forkserver_first": [
        C("the first start as fast as the rest", ("14", "base"), latency(0.003)),
        C("starts not traced", ("14", "base"), no_children()),
    ],
    "kit.latency.vs_interpreter": [
        C("a fork start as slow as an interpreter", ("14", "base"), latency(0.015), ("fork",)),
        C("a spawn start far below an interpreter", ("14", "base"), latency(0.005), ("spawn",)),
        C("no interpreter baseline", ("14", "base"), drop("bare interpreter")),
    ],
    "kit.lock.global": [
        C("the global lock protected the wrong way", L15,
          both(retext("counter = 800", "counter = 700"), retext("counter = 611", "counter = 800"))),
        C("the counter line is missing", L15, drop("counter =")),
    ],
    "kit.lock.passed": [
        C("updates lost", L15P, retext("counter = 800", "counter = 790")),
        C("the counter line is missing", L15P, drop("counter =")),
    ],
    "kit.default.method": [
        C("another default shown", ("16", "base"),
          retext("default start method: fork", "default start method: spawn")),
        C("the line is missing", ("16", "base"), drop("default start method:")),
    ],
    "kit.default.listed_first": [
        C("the default not first", ("16", "base"),
          retext("['fork', 'spawn', 'forkserver']", "['spawn', 'fork', 'forkserver']")),
        C("the line is missing", ("16", "base"), drop("all start methods:")),
    ],
    "kit.queue.join_deadlock": [
        C("join() returned with the child gone", ("17", "base"),
          retext("join(timeout=3): True", "join(timeout=3): False")),
        C("the child never ended", ("17", "base"),
          retext("alive False, exitcode 0", "alive True, exitcode None")),
    ],
}

# Where the documented behaviour is a race, the claim reports it instead of passing.
RACES = {
    "seed.start.main_first": RACY,
    "seed.daemon.123": RACY,
    "seed.daemon.123_after_main": RACY,
}


def evidence(claim: Claim, method: str, counter: Counter | None = None,
             extra: Callable[[Observation], Observation] | None = None) -> Evidence:
    """The runs ``claim`` reads under ``method``, as documented, one target broken."""
    runs: list[Observation] = []
    seen: set[tuple[str, str, str]] = set()
    for need in claim.needs:
        key = (need.lab, need.variant, need.method or method)
        if key in seen:
            continue
        seen.add(key)
        made = synth.good(need.lab, need.variant, key[2], need.repeats)
        if counter is not None and (need.lab, need.variant) == counter.target and (
                counter.under is None or counter.under == key[2]):
            made = [counter.mutation(o) for o in made]
        if extra is not None:
            made = [extra(o) for o in made]
        runs += made
    return Evidence(runs)


def expected(claim: Claim, method: str) -> Status:
    return Status.RACE if method in RACES.get(claim.id, ()) else Status.PASS


CLAIMS = {c.id: c for c in all_claims()}


def _pass_cases():  # type: ignore[no-untyped-def]
    for claim in all_claims():
        for method in claim.methods:
            yield pytest.param(claim, method, id=f"{claim.id}-{method}")


def _fail_cases():  # type: ignore[no-untyped-def]
    for claim_id, counters in COUNTERS.items():
        claim = CLAIMS.get(claim_id)
        if claim is None:
            continue  # reported by test_every_claim_has_cases
        for i, counter in enumerate(counters):
            for method in counter.methods or claim.methods:
                if method in claim.methods:
                    yield pytest.param(claim, method, counter, id=f"{claim_id}-{method}-{i}")


@pytest.mark.parametrize(("claim", "method"), list(_pass_cases()))
def test_documented_behaviour(claim: Claim, method: str) -> None:
    verdict = claim.judge(evidence(claim, method), method, "synthetic")
    assert verdict.status == expected(claim, method), (claim.id, method, verdict)


@pytest.mark.parametrize(("claim", "method", "counter"), list(_fail_cases()))
def test_counter_example_fails(claim: Claim, method: str, counter: Counter) -> None:
    verdict = claim.judge(evidence(claim, method, counter), method, "synthetic")
    assert verdict.status == Status.FAIL, (claim.id, method, counter.why, verdict)


def test_every_claim_has_cases() -> None:
    """Each claim passes on some evidence and fails on some other, under every method."""
    missing = [c.id for c in all_claims() if not COUNTERS.get(c.id)]
    assert not missing, f"claims without a counter-example: {missing}"
    stale = sorted(set(COUNTERS) - set(CLAIMS))
    assert not stale, f"counter-examples for claims that do not exist: {stale}"
    for claim in all_claims():
        for need in claim.needs:
            assert (need.lab, need.variant) in synth.GOOD, (claim.id, need)
        for method in claim.methods:
            failing = [k for k in COUNTERS[claim.id] if not k.methods or method in k.methods]
            assert failing, f"{claim.id} has no counter-example under {method}"


# -- races carry their frequency; missing evidence is a fail, not "n/a" -----------------


def _main_first_runs(method: str, child_first: list[bool]) -> Evidence:
    return Evidence([synth.lab01(method, i, first) for i, first in enumerate(child_first)])


@pytest.mark.parametrize("method", sorted(RACY))
def test_race_reports_frequency(method: str) -> None:
    claim = CLAIMS["seed.start.main_first"]
    v = claim.judge(_main_first_runs(method, [False, True, False]), method)
    assert v.status == Status.RACE and "2/3" in v.value, v
    claim = CLAIMS["seed.daemon.123_after_main"]
    runs = [synth.lab05_main_ends(method, i, after_main=i == 1) for i in range(3)]
    v = claim.judge(Evidence(runs), method)
    assert v.status == Status.RACE and "1/3" in v.value, v
    claim = CLAIMS["seed.daemon.123"]
    runs = [synth.lab05_main_ends(method, i, printed_123=i != 0) for i in range(3)]
    v = claim.judge(Evidence(runs), method)
    assert v.status == Status.RACE and "2/3" in v.value, v


@pytest.mark.parametrize("method", sorted(RACY))
def test_race_with_missing_evidence_fails(method: str) -> None:
    claim = CLAIMS["seed.start.main_first"]
    runs = [drop("1、alex is running")(synth.lab01(method, i)) for i in range(3)]
    assert claim.judge(Evidence(runs), method).status == Status.FAIL


def test_spawn_is_asserted_not_raced() -> None:
    v = CLAIMS["seed.start.main_first"].judge(_main_first_runs("spawn", [False, True, False]),
                                              "spawn")
    assert v.status == Status.FAIL and "2/3" in v.value


def test_variant_never_run_is_not_run() -> None:
    v = CLAIMS["seed.queue.put_timeout"].judge(Evidence(synth.good("07", "base", "fork")), "fork")
    assert v.status == Status.NOT_RUN


# -- release- and platform-dependent truths ---------------------------------------------


@pytest.mark.parametrize(("python", "preload"), [
    ("3.11.7", False), ("3.12.9", False), ("3.13.7", False), ("3.13.8", True),
    ("3.14.0", False), ("3.14.1", True), ("3.14.8", True), ("3.15.0a2", True),
])
def test_preload_releases(python: str, preload: bool) -> None:
    o = synth.Run("15", "base", "forkserver", python=python).build()
    assert preloads_main(o) is preload


@pytest.mark.parametrize(("python", "counter", "status"), [
    ("3.14.8", 800, Status.PASS), ("3.14.8", 611, Status.FAIL),
    ("3.13.8", 800, Status.PASS), ("3.14.0", 611, Status.PASS), ("3.14.0", 800, Status.FAIL),
])
def test_global_lock_follows_preload(python: str, counter: int, status: Status) -> None:
    o = synth.lab15("forkserver", counter=counter, python=python)
    assert CLAIMS["kit.lock.global"].judge(Evidence([o]), "forkserver").status == status


def test_module_code_with_preload() -> None:
    claim = CLAIMS["kit.reimport.module_code"]
    ok = synth.lab11("forkserver", python="3.14.8")
    assert claim.judge(Evidence([ok]), "forkserver").status == Status.PASS
    like_spawn = dataclassed(synth.lab11("forkserver"), python={"version": "3.14.8"})
    assert claim.judge(Evidence([like_spawn]), "forkserver").status == Status.FAIL


def dataclassed(o: Observation, **fields: object) -> Observation:
    import dataclasses

    return dataclasses.replace(o, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("system", "version", "default"), [
    ("Linux", (3, 11), "fork"), ("Linux", (3, 13), "fork"), ("Linux", (3, 14), "forkserver"),
    ("FreeBSD", (3, 14), "forkserver"), ("SunOS", (3, 12), "fork"),
    ("Darwin", (3, 7), "fork"), ("Darwin", (3, 14), "spawn"), ("Windows", (3, 14), "spawn"),
])
def test_expected_default(system: str, version: tuple[int, int], default: str) -> None:
    assert expected_default(system, version) == default


@pytest.mark.parametrize(("system", "python", "listed", "status"), [
    ("Darwin", "3.11.7", "['spawn', 'fork', 'forkserver']", Status.PASS),
    ("Darwin", "3.11.7", "['fork', 'spawn', 'forkserver']", Status.FAIL),
    ("Windows", "3.12.1", "['spawn']", Status.PASS),
    ("Linux", "3.14.8", "['forkserver', 'fork', 'spawn']", Status.PASS),
    ("Linux", "3.14.8", "['fork', 'spawn', 'forkserver']", Status.FAIL),
])
def test_default_listed_first_per_platform(system: str, python: str, listed: str,
                                           status: Status) -> None:
    o = synth.lab16("spawn", system=system, python=python, listed=listed)
    assert CLAIMS["kit.default.listed_first"].judge(Evidence([o]), "spawn").status == status


# -- texts: both languages, every method; the tutorial verdicts -------------------------


def test_texts_complete() -> None:
    for claim_id, text in TEXTS.items():
        claim = CLAIMS[claim_id]
        assert text["statement"]["zh"] and text["statement"]["en"], claim_id
        assert text["statement"]["en"].split(":")[0] in claim.statement, claim_id
        for method in claim.methods:
            why = text["why"][method]
            assert why["zh"] and why["en"], (claim_id, method)
        if claim.source != "kit":
            assert text["quote"]["zh"] == claim.source and text["quote"]["en"], claim_id


def test_tutorial_verdicts() -> None:
    quoted = {c.id for c in all_claims() if c.source != "kit"}
    assert set(TUTORIAL) == quoted
    for claim_id, check in TUTORIAL.items():
        assert check.verdict in TutorialVerdict
        assert check.evidence["zh"] and check.evidence["en"], claim_id
    assert TUTORIAL["seed.join.concurrent"].verdict is TutorialVerdict.REFUTED
    assert TUTORIAL["seed.daemon.123_after_main"].verdict is TutorialVerdict.REFUTED


def test_labs_readme_lists_every_verdict() -> None:
    """labs/README.md's table of tutorial sentences matches TUTORIAL, row by row."""
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "labs" / "README.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in readme.splitlines()
            if line.startswith("| ") and line.count("`") == 2 and "`seed." in line}
    assert set(rows) == set(TUTORIAL)
    for claim_id, check in TUTORIAL.items():
        assert check.verdict.value in rows[claim_id], claim_id
        assert f"「{CLAIMS[claim_id].source}」" in rows[claim_id], claim_id


def test_quotes_are_the_tutorials_words() -> None:
    """Each claim's quote (its parts around "……") stands verbatim in its lab's scripts,
    which keep the tutorial's code and comments."""
    from pathlib import Path

    labs = Path(__file__).parent.parent / "labs"
    for claim in all_claims():
        if claim.source == "kit":
            continue
        text = "".join(p.read_text(encoding="utf-8") for p in labs.glob(f"{claim.lab}_*.py"))
        for part in filter(None, claim.source.split("……")):
            assert part in text, (claim.id, part)


def _server_died(method: str, variant: str) -> Observation:
    """3.14.8: the fork server dies preloading the unguarded script; start() fails."""
    r = synth.Run("10", variant, method, python="3.14.8")
    r.traceback("RuntimeError: An attempt has been made to start a new process before the "
                "current process has finished its bootstrapping phase.", 0.2, SERVER)
    r.traceback("ConnectionResetError: [Errno 104] Connection reset by peer", 0.25)
    return r.build(exit_code=1)


@pytest.mark.parametrize("claim_id", ["kit.guard.unguarded", "kit.guard.pool"])
def test_unguarded_under_a_preloading_fork_server(claim_id: str) -> None:
    claim = CLAIMS[claim_id]
    variant = "base" if claim_id.endswith("unguarded") else "pool"
    died = _server_died("forkserver", variant)
    assert claim.judge(Evidence([died]), "forkserver").status == Status.PASS
    like_spawn = dataclassed(synth.GOOD[("10", variant)]("forkserver"),
                             python={"version": "3.14.8"})
    assert claim.judge(Evidence([like_spawn]), "forkserver").status == Status.FAIL


def test_a_daemon_that_never_tried_is_left_out_not_failed() -> None:
    """On a loaded machine a spawn daemon may boot after main's code ended: that run says
    nothing; the others still judge the claim (and none trying at all is a fail)."""
    import dataclasses

    def late(o: Observation) -> Observation:
        procs = tuple(dataclasses.replace(p, started_t=1.5) if p.role == "child" else p
                      for p in o.processes)
        return dataclasses.replace(o, processes=procs)

    runs = [synth.lab05_child("spawn", i) for i in range(3)]
    claim = CLAIMS["seed.daemon.no_children"]
    one_late = [late(runs[0]), *runs[1:]]
    v = claim.judge(Evidence(one_late), "spawn")
    assert v.status == Status.PASS and "2/2" in v.value, v
    v = claim.judge(Evidence([late(o) for o in runs]), "spawn")
    assert v.status == Status.FAIL and "0/3" in v.value, v
    # Booted in time but ended by main's exit before task() ran: silent, SIGTERM.
    def silent(o: Observation) -> Observation:
        kid = o.children[0].pid
        quiet = dataclasses.replace(o, output=tuple(x for x in o.output if x.pid != kid))
        return synth.children(exitcode=synth.TERM)(synth.drop("daemonic processes")(quiet))

    v = claim.judge(Evidence([silent(runs[0]), *runs[1:]]), "spawn")
    assert v.status == Status.PASS and "2/2" in v.value, v
    v = claim.judge(Evidence([silent(o) for o in runs]), "spawn")
    assert v.status == Status.FAIL and "0/3" in v.value, v
    # Counter-examples: ended by SIGTERM after it printed (start() let it go on), or
    # dead on its own without the AssertionError: each run is judged, and fails.
    kid = runs[0].children[0].pid
    printed = synth.add("lqx is runing", 0.3, kid)(silent(runs[0]))
    v = claim.judge(Evidence([printed, *runs[1:]]), "spawn")
    assert v.status == Status.FAIL and "2/3" in v.value, v
    quiet_exit = synth.drop("daemonic processes")
    v = claim.judge(Evidence([quiet_exit(runs[0]), *runs[1:]]), "spawn")
    assert v.status == Status.FAIL and "2/3" in v.value, v


@pytest.mark.parametrize(("python", "kills"), [
    ("3.13.7", False), ("3.13.8", True), ("3.14.0", False), ("3.14.8", True),
    ("3.15.0", False), ("3.15.0a2", False),
])
def test_a_failed_preload_kills_the_server_only_up_to_314(python: str, kills: bool) -> None:
    o = synth.Run("10", "base", "forkserver", python=python).build()
    assert preload_error_kills_server(o) is kills


@pytest.mark.parametrize("claim_id", ["kit.guard.unguarded", "kit.guard.pool"])
def test_unguarded_on_315_fails_like_spawn(claim_id: str) -> None:
    """3.15 ignores a failed preload of the main module (gh-141860): like spawn again."""
    claim = CLAIMS[claim_id]
    variant = "base" if claim_id.endswith("unguarded") else "pool"
    like_spawn = dataclassed(synth.GOOD[("10", variant)]("forkserver"),
                             python={"version": "3.15.0"})
    assert claim.judge(Evidence([like_spawn]), "forkserver").status == Status.PASS
    died = dataclassed(_server_died("forkserver", variant), python={"version": "3.15.0"})
    assert claim.judge(Evidence([died]), "forkserver").status == Status.FAIL
