"""Grade a student's file: run it under every start method (and the platform default),
natively or in the kit's containers, judge the exercise's checks, score them.

Points: each behaviour check earns its weight once per start method it passes under,
in each environment; a static check earns its weight once. Under a method where the
program started its children by another method (``set_start_method('fork')``,
``get_context('fork')``), that method's behaviour was not observed: every check of
that run scores nothing there, and ``start_method`` says which processes were made how.
"""

from __future__ import annotations

import datetime
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from labkit import __version__, runner
from labkit.claims import Evidence, Status, group_by_environment
from labkit.errors import UsageError
from labkit.grade import checks
from labkit.grade.exercises import CheckSpec, Exercise
from labkit.i18n import _
from labkit.observation import Observation
from labkit.sweep import RunSpec

SCHEMA = "labkit.grade/1"
STATIC = "static"  # the "method" of a check that reads the source, not a run
PASS, FAIL = Status.PASS, Status.FAIL
ORDER = ("fork", "spawn", "forkserver", "default")


@dataclass(frozen=True)
class CheckResult:
    check: str  # the check's kind (exercises.CheckKind), e.g. "lines"
    method: str  # fork | spawn | forkserver | default | static
    environment: str  # where it ran (Linux/py3.11, …) or "source" for a static check
    status: Status  # pass | fail | not_run …: the claims' statuses
    points: int
    max_points: int
    value: str  # what was measured
    evidence: str  # why: what was printed, which process failed, under which method
    value_zh: str
    evidence_zh: str
    statement_en: str
    statement_zh: str
    voided: bool = False  # its run's children were started by another method: not observed

    @property
    def passed(self) -> bool:
        return self.status == PASS


@dataclass(frozen=True)
class Grade:
    exercise: str
    file: str
    points: int
    max_points: int
    checks: tuple[CheckResult, ...]
    environment: dict
    hint: dict
    graded_at: str = ""
    student: str = ""  # who, when the grader was told (--student); else the gradebook infers
    schema: str = SCHEMA

    @property
    def full_marks(self) -> bool:
        return self.points == self.max_points and self.max_points > 0

    @property
    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["checks"] = [asdict(c) for c in self.checks]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Grade:
        if d.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} record (schema={d.get('schema')!r})")
        kw = dict(d)
        kw["checks"] = tuple(CheckResult(**{**c, "status": Status(c["status"])})
                             for c in d.get("checks", ()))
        return cls(**kw)


def method_order(method: str) -> int:
    return ORDER.index(method) if method in ORDER else len(ORDER)


def check_file(path: Path) -> str:
    """The student's source, or exit 2 with one line."""
    runner.check_script(path)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(_("{path} is not a UTF-8 text file").format(path=path)) from None
    except OSError as exc:
        raise UsageError(_("cannot read {path}: {why}").format(path=path, why=exc.strerror)
                         ) from None


JOBS = 4  # the runs of one grade share the machine: each has its own temp folder


AUTO = "auto"  # the hardened container where an engine is reachable, else native


def platforms_for(container: str | None) -> list:  # type: ignore[type-arg]
    from labkit import platforms

    if container == AUTO:
        container = _reachable_image()
    if not container:
        return [platforms.get("native", jobs=JOBS)]
    from labkit import images

    return [platforms.get("container", python=v, jobs=JOBS)
            for v in images.parse_pythons(container)]


def _reachable_image() -> str | None:
    """This interpreter's minor version if a Docker engine answers and a kit image of it
    exists (or, for another minor, 3.14); None: grade natively under the watchdog."""
    from labkit import images
    from labkit.errors import EnvironmentUnavailable

    try:
        images.engine()
    except EnvironmentUnavailable:
        return None
    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    return minor if minor in images.pythons() else "3.14"


def plan(exercise: Exercise, path: Path, plat) -> list[RunSpec]:  # type: ignore[no-untyped-def]
    """Every method the platform has plus its default, once each, through the planner;
    each run in a fresh temp folder (untrusted code, and runs must not share files)."""
    from labkit import planner

    request = planner.Request(scripts=(str(path.resolve()),),
                              methods=(planner.ALL, planner.DEFAULT), timeout=exercise.timeout,
                              jobs=JOBS, isolate=True)
    native = plat.name.startswith("native")
    default = planner.native_default_method() if native else plat.available_methods()[0]
    p = planner.plan(request, plat.available_methods(), default)
    return [replace(s, lab=checks.lab_of(exercise), variant=checks.VARIANT) for s in p.specs]


def run(exercise: Exercise, path: Path, container: str | None = None,
        progress: Callable[[dict], None] | None = None) -> list[Observation]:
    observations: list[Observation] = []
    for plat in platforms_for(container):
        if hasattr(plat, "image"):
            plat.image()  # build or reuse the image before the runs start
        observations += plat.run(plan(exercise, path, plat), progress=progress)
    return observations


def judge(exercise: Exercise, source: str, observations: Sequence[Observation],
          file: str = "", student: str = "") -> Grade:
    results: list[CheckResult] = []
    for env, obs in sorted(group_by_environment(observations).items()):
        evidence = Evidence(obs)
        methods = tuple(sorted({o.requested_start_method for o in obs}, key=method_order))
        both = zip(checks.claims(exercise, methods, "en"), checks.claims(exercise, methods, "zh"),
                   strict=True)
        for (spec, claim_en), (_same, claim_zh) in both:
            for method in methods:
                en = claim_en.judge(evidence, method, env)
                zh = claim_zh.judge(evidence, method, env)
                status = Status(en.status)
                texts = (en.value, en.detail, zh.value, zh.detail)
                run = next((o for o in obs if o.requested_start_method == method), None)
                voided = (run is not None and bool(checks.dodged(run, method))
                          and spec.kind != "start_method")
                if voided and run is not None:
                    # the run shows another method's behaviour: nothing to score here
                    status = FAIL
                    texts = (*checks.not_observed(run, method, "en"),
                             *checks.not_observed(run, method, "zh"))
                results.append(_result(spec, method, env, status, *texts, voided=voided))
    for spec in exercise.checks:
        if spec.kind == "static_guard":
            en_o, zh_o = checks.static_guard(source, "en"), checks.static_guard(source, "zh")
            results.append(_result(spec, STATIC, "source", Status(en_o.status), en_o.value,
                                   en_o.detail, zh_o.value, zh_o.detail))
    return Grade(
        exercise=exercise.id,
        file=file,
        points=sum(r.points for r in results),
        max_points=sum(r.max_points for r in results),
        checks=tuple(results),
        environment=_environment(observations),
        hint=dict(exercise.hint),
        graded_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        student=student,
    )


def _result(spec: CheckSpec, method: str, env: str, status: Status, value: str, evidence: str,
            value_zh: str, evidence_zh: str, voided: bool = False) -> CheckResult:
    ok = status == PASS
    return CheckResult(
        check=spec.kind, method=method, environment=env, status=status,
        points=spec.weight if ok else 0, max_points=spec.weight,
        value=value, evidence=evidence, value_zh=value_zh, evidence_zh=evidence_zh,
        statement_en=checks.statement(spec, "en"), statement_zh=checks.statement(spec, "zh"),
        voided=voided,
    )


def _environment(observations: Sequence[Observation]) -> dict:
    envs = sorted({o.environment for o in observations})
    first = observations[0] if observations else None
    return {
        "environments": envs,
        "platform": first.platform if first else runner.where(),
        "python": first.python if first else {"version": sys.version.split()[0]},
        "methods": sorted({o.requested_start_method for o in observations}),
        "default_start_method": first.default_start_method if first else None,
        "kit_version": __version__,
    }


def grade(exercise: Exercise, path: Path, container: str | None = None,
          progress: Callable[[dict], None] | None = None, student: str = "") -> Grade:
    source = check_file(path)
    return judge(exercise, source, run(exercise, path, container, progress), file=str(path),
                 student=student)


# -- files --------------------------------------------------------------------------


def write_json(g: Grade, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(g.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")


def load_json(path: Path) -> Grade:
    try:
        return Grade.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a grade file ({exc})") from None


def junit_xml(g: Grade) -> str:
    """One testsuite per exercise, one testcase per check × method × environment."""
    suite = ET.Element("testsuite", name=f"labkit.{g.exercise}", tests=str(len(g.checks)),
                       failures=str(len(g.failed)))
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="points",
                  value=f"{g.points}/{g.max_points}")
    for c in g.checks:
        case = ET.SubElement(suite, "testcase", classname=f"{g.exercise}.{c.environment}",
                             name=f"{c.check}[{c.method}]")
        if not c.passed:
            failure = ET.SubElement(case, "failure", message=c.value, type=c.status)
            failure.text = f"{c.statement_en}\n{c.evidence}"
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(g: Grade, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(g), encoding="utf-8")
