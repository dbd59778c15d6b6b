"""The claims ledger: one checkable sentence per claim, one check for every platform.

A Claim judges Observations of one environment (one OS + Python [+ image]) for one
start method and returns a Verdict: pass, fail, or n/a with the reason. Where the
truth depends on the start method, platform or Python version, that dependence is
written inside the claim's check and nowhere else. pytest parametrizes these over
the methods this platform has; the report runs the very same checks over Observations
from other platforms. Stdlib-only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from labkit.observation import Observation

PASS, FAIL, NA = "pass", "fail", "n/a"


@dataclass(frozen=True)
class Verdict:
    claim: str
    method: str
    environment: str
    status: str  # pass | fail | n/a
    value: str = ""  # the key figure, e.g. "total 3.04 s"
    detail: str = ""  # why: the measured values, the lines that prove it


class Outcome(Exception):
    """Raised inside a check to end it with a status (keeps checks flat)."""

    def __init__(self, status: str, value: str = "", detail: str = "") -> None:
        super().__init__(detail)
        self.status, self.value, self.detail = status, value, detail


def na(detail: str, value: str = "") -> Outcome:
    return Outcome(NA, value, detail)


def expect(ok: bool, value: str, detail: str = "") -> Outcome:
    return Outcome(PASS if ok else FAIL, value, detail)


class Evidence:
    """The Observations of one environment, looked up by lab, variant and method."""

    def __init__(self, observations: Iterable[Observation]) -> None:
        self._runs: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
        for o in observations:
            self._runs[(o.lab, o.variant, o.requested_start_method)].append(o)

    def runs(self, lab: str, variant: str, method: str) -> list[Observation]:
        runs = sorted(self._runs.get((lab, variant, method), []), key=lambda o: o.repeat)
        if not runs:
            raise na(f"not observed: lab {lab} variant {variant} under {method}")
        return runs

    def one(self, lab: str, variant: str, method: str) -> Observation:
        return self.runs(lab, variant, method)[0]

    def methods(self) -> set[str]:
        return {m for (_, _, m) in self._runs}

    def labs(self) -> set[str]:
        return {lab for (lab, _, _) in self._runs}

    def __len__(self) -> int:
        return sum(len(v) for v in self._runs.values())


Check = Callable[[Evidence, str], Outcome]


@dataclass(frozen=True)
class Claim:
    id: str
    lab: str
    source: str  # the tutorial's sentence (zh), or "kit"
    statement: str  # English
    check: Check = field(repr=False)
    methods: tuple[str, ...] = ("fork", "spawn", "forkserver")

    def judge(self, evidence: Evidence, method: str, environment: str = "") -> Verdict:
        if method not in self.methods:
            return Verdict(self.id, method, environment, NA, "", "not judged under " + method)
        try:
            outcome = self.check(evidence, method)
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
    """Every claim × every method observed, in every environment found."""
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
