"""The claims, one test body installed once per start method (ids: claim-method).

Each of the five statuses has one meaning in pytest: pass passes; fail fails; a race
passes with its measured frequency recorded (``record_property`` and the test's
output); not applicable is a skip carrying its declared reason; not run is a failure
(the fixture plans through the planner, so a needed run that is missing is a defect).
"""

from __future__ import annotations

import sys

import pytest

from labkit import runner
from labkit.claims import Claim, Status, all_claims


def _params():  # type: ignore[no-untyped-def]
    available = runner.available_methods()
    for claim in all_claims():
        for method in claim.methods:
            marks = []
            if method != "default" and method not in available:
                marks.append(pytest.mark.skip(
                    reason=f"method absent on this platform: {method} on {sys.platform}"))
            yield pytest.param(claim, method, id=f"{claim.id}-{method}", marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize(("claim", "method"), list(_params()))
def test_claim(claim: Claim, method: str, native_evidence, record_property) -> None:  # type: ignore[no-untyped-def]
    verdict = claim.judge(native_evidence, method, "native")
    record_property("status", str(verdict.status))
    record_property("value", verdict.value)
    if verdict.status == Status.NOT_APPLICABLE:
        pytest.skip(verdict.detail)
    if verdict.status == Status.RACE:
        record_property("frequency", verdict.value)
        print(f"{claim.id}[{method}] race, measured: {verdict.value} ({verdict.detail})")
        return
    if verdict.status == Status.NOT_RUN:
        pytest.fail(f"the planner did not run what {claim.id} reads: {verdict.detail}")
    assert verdict.status == Status.PASS, (
        f"{claim.statement}\n  measured: {verdict.value}\n  {verdict.detail}"
    )
