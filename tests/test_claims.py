"""The claims, one test body installed once per start method (ids: claim-method).

A method this platform lacks is skipped with its reason; a claim that is not
asserted under a method (a race, a release-dependent behaviour) is skipped with
what was observed, never passed silently.
"""

from __future__ import annotations

import sys

import pytest

from labkit import runner
from labkit.claims import NA, PASS, Claim, all_claims


def _params():  # type: ignore[no-untyped-def]
    available = runner.available_methods()
    for claim in all_claims():
        for method in claim.methods:
            marks = []
            if method != "default" and method not in available:
                marks.append(
                    pytest.mark.skip(reason=f"{method} is not available on {sys.platform}")
                )
            yield pytest.param(claim, method, id=f"{claim.id}-{method}", marks=marks)


@pytest.mark.slow
@pytest.mark.parametrize(("claim", "method"), list(_params()))
def test_claim(claim: Claim, method: str, native_evidence) -> None:  # type: ignore[no-untyped-def]
    verdict = claim.judge(native_evidence, method, "native")
    if verdict.status == NA:
        pytest.skip(f"not asserted under {method}: {verdict.detail}")
    assert verdict.status == PASS, (
        f"{claim.statement}\n  measured: {verdict.value}\n  {verdict.detail}"
    )
