"""Shared fixtures: the native Evidence is gathered once per session, for the labs
the selected tests need, in one batch (concurrent where the lab allows)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labkit import planner, runner
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
    """Every run the selected claims read, as the planner plans `labkit run LABS -m all`."""
    needed = _labs_needed(request.session)
    if not needed:
        return Evidence([])
    jobs = int(os.environ.get("LABKIT_JOBS", str(planner.LAB_JOBS)))
    plan = planner.plan(planner.Request(labs=tuple(sorted(needed)), methods=(planner.ALL,),
                                        jobs=jobs),
                        runner.available_methods(), planner.native_default_method())
    return Evidence(NativePlatform(jobs=plan.jobs).run(plan.specs))


@pytest.fixture
def script(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a throwaway script and return its path."""

    def make(body: str, name: str = "s.py") -> Path:
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        return path

    return make


_RACES: list[str] = []
_SHM = Path("/dev/shm")
_SEMS_LEFT: list[str] = []


def named_semaphores() -> set[str]:
    """multiprocessing's named semaphores on this machine (Linux keeps them in /dev/shm),
    and glibc's temporary files of a sem_open() cut short."""
    try:
        return {p.name for p in _SHM.iterdir()
                if p.name.startswith("sem.mp-") or runner.HALF_MADE.fullmatch(p.name)}
    except OSError:
        return set()


_SESSION_SEMS: set[str] = set()
_TESTS_RUN: list[tuple[float, str]] = []  # (when it started, test id)


def pytest_sessionstart(session: pytest.Session) -> None:
    _SESSION_SEMS.update(named_semaphores())


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    import time

    _TESTS_RUN.append((time.time(), nodeid))


def _made_during(name: str) -> str:
    """The test that was running when a semaphore was made (its file's change time):
    a leak made in a session fixture's setup or by a process outliving its test."""
    try:
        made = (_SHM / name).stat().st_ctime
    except OSError:
        return "?"
    during = [nodeid for t, nodeid in _TESTS_RUN if t <= made + 0.02]  # a coarse clock
    return during[-1] if during else "before the first test"


@pytest.fixture(autouse=True)
def _semaphores_left(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Note every named semaphore a test leaves behind (a leak lives until reboot)."""
    before = named_semaphores()
    yield
    left = named_semaphores() - before
    if left:
        _SEMS_LEFT.append(f"{request.node.nodeid}: {', '.join(sorted(left))}")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # A race passes only with its measured frequency, shown once more at the end.
    props = dict(report.user_properties)
    if report.when == "call" and props.get("status") == "race":
        _RACES.append(f"{report.nodeid.split('[')[-1].rstrip(']')}: {props.get('frequency')}")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _RACES:
        terminalreporter.section("races (not asserted; measured frequency)")
        for line in _RACES:
            terminalreporter.write_line(line)
    left = sorted(named_semaphores() - _SESSION_SEMS)
    if _SEMS_LEFT or left:
        terminalreporter.section("named semaphores left behind")
        for line in _SEMS_LEFT:
            terminalreporter.write_line(line)
        for name in left:  # still there at the end of the session
            terminalreporter.write_line(f"at the end: {name}, made during {_made_during(name)}")


@pytest.fixture(autouse=True, scope="session")
def _english_for_the_session():  # type: ignore[no-untyped-def]
    """Module and session fixtures (a report built once) read English too."""
    from labkit import i18n

    i18n.set_language("en")
    yield
    i18n.set_language(None)


@pytest.fixture(autouse=True)
def _english_unless_asked(_english_for_the_session):  # type: ignore[no-untyped-def]
    """Tests read English output whatever LANG says; tests of Chinese choose it."""
    from labkit import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")
