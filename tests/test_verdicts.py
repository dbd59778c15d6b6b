"""The five statuses: what makes each, and that missing evidence fails.

Built on the recorded native Observations in tests/data (no process is started);
each case changes one thing in real evidence and looks at the verdict.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from labkit.claims import (
    Claim,
    Evidence,
    Need,
    Status,
    UndeclaredEvidence,
    Why,
    all_claims,
    expect,
    judge_all,
    not_applicable,
    race,
)
from labkit.observation import Observation
from labkit.report import load

NATIVE = Path(__file__).parent / "data" / "observations-linux-py3.11.zip"


@pytest.fixture(scope="module")
def native() -> list[Observation]:
    return load([NATIVE]).observations


def _claim(claim_id: str) -> Claim:
    return next(c for c in all_claims() if c.id == claim_id)


def _edit(obs: list[Observation], lab: str, variant: str, method: str, **changes):  # type: ignore[no-untyped-def]
    return [dataclasses.replace(o, **changes)
            if (o.lab, o.variant, o.requested_start_method) == (lab, variant, method) else o
            for o in obs]


def test_the_five_statuses() -> None:
    assert [str(s) for s in Status] == ["pass", "fail", "race", "not_applicable", "not_run"]


def test_recorded_evidence_judges_every_claim(native) -> None:  # type: ignore[no-untyped-def]
    verdicts = judge_all(native)
    statuses = {v.status for v in verdicts}
    assert Status.NOT_RUN not in statuses and Status.FAIL not in statuses
    assert {Status.PASS, Status.RACE} <= statuses


def test_a_race_records_its_frequency_or_cannot_be_made(native) -> None:  # type: ignore[no-untyped-def]
    v = _claim("seed.daemon.123").judge(Evidence(native), "fork")
    assert v.status == Status.RACE and "/3" in v.value
    with pytest.raises(ValueError, match="frequency"):
        race("order varies", "no figure")


def test_not_applicable_needs_a_declared_reason() -> None:
    with pytest.raises(ValueError, match="name the release"):
        not_applicable(Why.RELEASE_DEPENDENT, "depends on the release")
    with pytest.raises(ValueError):
        not_applicable("because", "3.12")  # type: ignore[arg-type]
    o = not_applicable(Why.RELEASE_DEPENDENT, "3.14.8 protects")
    assert o.status == Status.NOT_APPLICABLE and o.detail.startswith("release-dependent")


def test_a_changed_printed_line_is_a_fail_naming_it(native) -> None:  # type: ignore[no-untyped-def]
    o = next(x for x in native if (x.lab, x.requested_start_method) == ("03", "spawn"))
    lines = tuple(dataclasses.replace(ln, text=ln.text.replace("主进程，", "main, "))
                  for ln in o.output)
    obs = _edit(native, "03", "base", "spawn", output=lines)
    v = _claim("seed.join.concurrent").judge(Evidence(obs), "spawn")
    assert v.status == Status.FAIL and "主进程，" in v.detail


def test_no_child_traced_is_a_fail(native) -> None:  # type: ignore[no-untyped-def]
    o = next(x for x in native if (x.lab, x.requested_start_method) == ("02", "fork"))
    obs = _edit(native, "02", "base", "fork",
                processes=tuple(p for p in o.processes if p.role == "main"))
    for claim_id in ("seed.isolation.n", "seed.isolation.is_alive", "seed.isolation.ppid"):
        v = _claim(claim_id).judge(Evidence(obs), "fork")
        assert v.status == Status.FAIL and "no main or child" in v.detail, (claim_id, v)
    # latencies: no child seen starting is a fail too, not "n/a"
    o3 = next(x for x in native if (x.lab, x.requested_start_method) == ("03", "fork"))
    obs = _edit(native, "03", "base", "fork",
                processes=tuple(p for p in o3.processes if p.role != "child"))
    v = _claim("seed.join.start_cost").judge(Evidence(obs), "fork")
    assert v.status == Status.FAIL and "no child" in v.detail


def test_a_variant_never_run_is_not_run_naming_it(native) -> None:  # type: ignore[no-untyped-def]
    obs = [o for o in native if (o.lab, o.variant) != ("05", "child")]
    verdicts = {(v.claim, v.method): v for v in judge_all(obs)}
    v = verdicts[("seed.daemon.no_children", "spawn")]  # present, never silently absent
    assert v.status == Status.NOT_RUN and "lab 05 variant child" in v.detail
    assert verdicts[("seed.daemon.dies_with_main", "spawn")].status == Status.PASS


def test_a_comparison_missing_its_other_method_is_not_run(native) -> None:  # type: ignore[no-untyped-def]
    obs = [o for o in native if (o.lab, o.requested_start_method) != ("14", "fork")]
    v = _claim("kit.latency.spawn_over_fork").judge(Evidence(obs), "spawn")
    assert v.status == Status.NOT_RUN and "under fork" in v.detail


def test_a_check_reading_what_it_did_not_declare_is_a_defect(native) -> None:  # type: ignore[no-untyped-def]
    def sneaky(ev, method):  # type: ignore[no-untyped-def]
        ev.one("05", "child", method)
        return expect(True, "")

    claim = Claim("t.sneaky", "05", "kit", "reads child without saying so", sneaky)
    with pytest.raises(UndeclaredEvidence):
        claim.judge(Evidence(native), "fork")
    declared = dataclasses.replace(claim, needs=(Need("05", "child"),))
    assert declared.judge(Evidence(native), "fork").status == Status.PASS


def test_a_method_the_claim_does_not_speak_about(native) -> None:  # type: ignore[no-untyped-def]
    v = _claim("kit.default.method").judge(Evidence(native), "fork")
    assert v.status == Status.NOT_APPLICABLE and str(Why.NOT_CLAIMED) in v.detail


def test_tables_and_report_tell_the_five_apart(native) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from labkit import show
    from labkit.claims import Verdict
    from labkit.report import from_observations, render_html, render_markdown

    verdicts = [Verdict("seed.queue.fifo", "fork", "e", s, f"v-{s}") for s in Status]
    marks = []
    for v in verdicts:
        con = Console(width=200, record=True)
        con.print(show.verdict_table([v]))
        # The claim's sentence, then one row per method: "fork <symbol> <word> <value>".
        row = next(ln for ln in con.export_text().splitlines() if ln.strip().startswith("fork "))
        marks.append(row.split("fork", 1)[1].split("v-")[0].strip())
    assert len(set(marks)) == 5 and "" not in marks, marks
    assert show.summary_line(verdicts) == (
        "✓ 1 passed, ✗ 1 failed, ≈ 1 race, – 1 not applicable, ○ 1 not run")
    obs = [o for o in native if (o.lab, o.variant) != ("05", "child")]
    # a release-dependent verdict: lab 04's "right after terminate()" as if on Windows
    obs = [dataclasses.replace(o, platform={**o.platform, "system": "Windows"})
           if (o.lab, o.variant) == ("04", "now") else o for o in obs]
    rep = from_observations(obs)
    html, md = render_html(rep), render_markdown(rep)
    for cls in ('class="c pass"', 'class="c race"', 'class="c na"', 'class="c nr"'):
        assert cls in html, cls
    assert "🔀 123 printed in" in md and "⏸ not run" in md
