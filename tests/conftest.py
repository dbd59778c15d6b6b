"""Shared fixtures: the native Evidence is gathered once per session, for the labs
the selected tests need, in one batch (concurrent where the lab allows)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labkit import catalogue, runner
from labkit.claims import Evidence
from labkit.platforms.native import NativePlatform

SCRIPTS = Path(__file__).parent / "scripts"


def _labs_needed(session: pytest.Session) -> set[str]:
    labs = set()
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        claim = callspec.params.get("claim") if callspec else None
        if claim is not None:
            labs.add(claim.lab)
    return labs


@pytest.fixture(scope="session")
def native_evidence(request: pytest.FixtureRequest) -> Evidence:
    needed = _labs_needed(request.session)
    labs = tuple(lab for lab in catalogue.LABS if lab.id in needed)
    specs = catalogue.plan(runner.available_methods(), labs)
    jobs = int(os.environ.get("LABKIT_JOBS", "4"))
    return Evidence(NativePlatform(jobs=jobs).run(specs))


@pytest.fixture
def script(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a throwaway script and return its path."""

    def make(body: str, name: str = "s.py") -> Path:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        return path

    return make


@pytest.fixture(autouse=True)
def _english_unless_asked():  # type: ignore[no-untyped-def]
    """Tests read English output whatever LANG says; tests of Chinese choose it."""
    from labkit import i18n

    i18n.set_language("en")
    yield
    i18n.set_language(None)
