"""The claims ledger: one checkable sentence per claim, one check for every platform.

A Claim judges Observations of one environment (one OS + Python [+ image]) for one
start method and returns a Verdict with one of five statuses (``Status``): pass, fail,
race (not asserted; the measured frequency is the value), not applicable (for a
declared reason only) and not run (the runs it reads were never made). Missing
evidence in a run that happened is a fail naming what was missing, never "n/a".
Where the truth depends on the start method, platform or Python version, that
dependence is written inside the claim's check and nowhere else. Each claim declares
the runs it reads (``needs``); the planner turns those into runs, and a check that
reads a run it did not declare is a defect (``UndeclaredEvidence``). Stdlib-only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from labkit.observation import Observation

METHODS = ("fork", "spawn", "forkserver")


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    RACE = "race"  # not asserted: the behaviour varies run to run; frequency in value
    NOT_APPLICABLE = "not_applicable"  # for a declared reason (Why)
    NOT_RUN = "not_run"  # the runs the claim reads were never made


class Why(StrEnum):
    """The only reasons a claim may be not applicable."""

    METHOD_ABSENT = "method absent on this platform"
    RELEASE_DEPENDENT = "release-dependent"  # the detail must name the release(s)
    NOT_CLAIMED = "the claim does not speak about this method"


@dataclass(frozen=True)
class Verdict:
    claim: str
    method: str
    environment: str
    status: Status
    value: str = ""  # the key figure, e.g. "total 3.04 s"
    detail: str = ""  # why: the measured values, the lines that prove it


class Outcome(Exception):
    """Raised inside a check to end it with a status (keeps checks flat)."""

    def __init__(self, status: Status, value: str = "", detail: str = "") -> None:
        super().__init__(detail)
        self.status, self.value, self.detail = Status(status), value, detail


def expect(ok: bool, value: str, detail: str = "") -> Outcome:
    return Outcome(Status.PASS if ok else Status.FAIL, value, detail)


def fail(missing: str, value: str = "") -> Outcome:
    """Evidence the claim needs is missing from a run that happened: a fail, saying what."""
    return Outcome(Status.FAIL, value or "missing evidence", missing)


def race(value: str, detail: str) -> Outcome:
    """Not asserted: ``value`` must carry the measured frequency (e.g. "2/3 runs")."""
    if not re.search(r"\d+\s*/\s*\d+|\d+(\.\d+)?\s*%", value):
        raise ValueError(f"a race must record its measured frequency, got {value!r}")
    return Outcome(Status.RACE, value, detail)


_RELEASE = re.compile(r"\b3\.\d+")


def not_applicable(why: Why, detail: str, value: str = "") -> Outcome:
    """Not applicable for a declared reason; a release-dependent one names the release."""
    why = Why(why)
    if why is Why.RELEASE_DEPENDENT and not _RELEASE.search(detail):
        raise ValueError(f"a release-dependent verdict must name the release: {detail!r}")
    return Outcome(Status.NOT_APPLICABLE, value, f"{why}: {detail}")


def not_run(what: str) -> Outcome:
    return Outcome(Status.NOT_RUN, "", what)


@dataclass(frozen=True)
class Need:
    """Runs a claim reads: a variant of a lab, under the judged method (``method`` None)
    or always under one fixed method too (a comparison), at least ``repeats`` times."""

    lab: str
    variant: str = "base"
    method: str | None = None
    repeats: int = 1


class UndeclaredEvidence(Exception):
    """A check read runs its claim did not declare in ``needs`` (a defect of the claim)."""


class Evidence:
    """The Observations of one environment, looked up by lab, variant and method."""

    def __init__(self, observations: Iterable[Observation]) -> None:
        self._runs: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
        for o in observations:
            self._runs[(o.lab, o.variant, o.requested_start_method)].append(o)

    def runs(self, lab: str, variant: str, method: str) -> list[Observation]:
        runs = sorted(self._runs.get((lab, variant, method), []), key=lambda o: o.repeat)
        if not runs:
            raise not_run(f"lab {lab} variant {variant} was not run under {method}")
        return runs

    def one(self, lab: str, variant: str, method: str) -> Observation:
        return self.runs(lab, variant, method)[0]

    def has(self, lab: str, variant: str, method: str) -> bool:
        return bool(self._runs.get((lab, variant, method)))

    def methods(self) -> set[str]:
        return {m for (_, _, m) in self._runs}

    def labs(self) -> set[str]:
        return {lab for (lab, _, _) in self._runs}

    def __len__(self) -> int:
        return sum(len(v) for v in self._runs.values())


class _Declared:
    """Evidence seen through a claim's ``needs``: reading anything else is a defect."""

    def __init__(self, evidence: Evidence, allowed: set[tuple[str, str, str]]) -> None:
        self._evidence, self._allowed = evidence, allowed

    def runs(self, lab: str, variant: str, method: str) -> list[Observation]:
        if (lab, variant, method) not in self._allowed:
            raise UndeclaredEvidence(
                f"reads lab {lab} variant {variant} under {method}, not in its needs"
            )
        return self._evidence.runs(lab, variant, method)

    def one(self, lab: str, variant: str, method: str) -> Observation:
        return self.runs(lab, variant, method)[0]


Check = Callable[[Evidence, str], Outcome]


@dataclass(frozen=True)
class Claim:
    id: str
    lab: str
    source: str  # the tutorial's sentence (zh), or "kit"
    statement: str  # English
    check: Check = field(repr=False)
    methods: tuple[str, ...] = METHODS
    needs: tuple[Need, ...] = ()  # empty: the lab's base script under the judged method

    def __post_init__(self) -> None:
        if not self.needs:
            object.__setattr__(self, "needs", (Need(self.lab),))

    def reads(self, method: str) -> list[tuple[str, str, str]]:
        """(lab, variant, method) of every run this claim reads when judged under method."""
        return [(n.lab, n.variant, n.method or method) for n in self.needs]

    def judge(self, evidence: Evidence, method: str, environment: str = "") -> Verdict:
        if method not in self.methods:
            o = not_applicable(Why.NOT_CLAIMED, f"judged under {', '.join(self.methods)}")
            return Verdict(self.id, method, environment, o.status, o.value, o.detail)
        missing = [r for r in self.reads(method) if not evidence.has(*r)]
        if missing:
            what = "; ".join(f"lab {lab} variant {v} under {m}" for lab, v, m in missing)
            return Verdict(self.id, method, environment, Status.NOT_RUN, "",
                           f"not run: {what}")
        view = _Declared(evidence, set(self.reads(method)))
        try:
            outcome = self.check(view, method)  # type: ignore[arg-type]
        except Outcome as o:
            outcome = o
        return Verdict(self.id, method, environment, outcome.status, outcome.value, outcome.detail)


def all_claims() -> tuple[Claim, ...]:
    from labkit.claims import kit, seed

    return seed.CLAIMS + kit.CLAIMS


def by_lab(lab: str) -> list[Claim]:
    return [c for c in all_claims() if c.lab == lab]


def group_by_environment(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    groups: dict[str, list[Observation]] = defaultdict(list)
    for o in observations:
        groups[o.environment].append(o)
    return dict(groups)


def judge_all(observations: Iterable[Observation]) -> list[Verdict]:
    """Every claim of every lab observed × every method observed, in every environment.

    A claim whose lab ran under a method but whose needed runs did not is judged too:
    it comes back NOT_RUN naming what is missing, never silently absent.
    """
    verdicts = []
    for env, obs in sorted(group_by_environment(observations).items()):
        evidence = Evidence(obs)
        observed, labs = evidence.methods(), evidence.labs()
        for claim in all_claims():
            if claim.lab not in labs:
                continue
            for method in claim.methods:
                if method in observed:
                    verdicts.append(claim.judge(evidence, method, env))
    return verdicts
