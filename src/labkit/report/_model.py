"""The report as data: environments, the claims matrix, start latencies, timelines.

``build(paths)`` reads Observations and judges them with the very claims pytest
uses (``labkit.claims.judge_all``); the renderers only lay this out. Nothing here
invents a result: an environment is in the report because Observations of it were
read, and a claim that no Observation speaks to is "not run".
Stdlib-only.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from labkit.catalogue import BY_ID
from labkit.claims import Claim, Status, Verdict, all_claims, judge_all
from labkit.i18n import _, language
from labkit.load import Loaded, Source, load
from labkit.observation import Observation
from labkit.values import in_words

METHOD_ORDER = ("fork", "spawn", "forkserver", "default")
OS_NAMES = {"Linux": "Linux", "Darwin": "macOS", "Windows": "Windows"}
OS_ORDER = ("Linux", "Darwin", "Windows")
NOT_JUDGED = "-"  # the claim is not about this start method
LATENCY_LAB = "14"  # the lab that measures start latency, run alone


def method_rank(method: str) -> tuple[int, str]:
    return (METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER), method)


def _version_tuple(version: str) -> tuple[int, ...]:
    out = []
    for part in version.split(".")[:3]:
        m = re.match(r"\d+", part)
        out.append(int(m.group()) if m else 0)
    return tuple(out)


def _distinct(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))


@dataclass(frozen=True)
class Environment:
    """One OS + Python (+ container image): a group of Observations judged together."""

    key: str  # Observation.environment: "Linux/py3.11", "Linux/py3.14@image"
    system: str
    python: str  # "3.11"
    python_versions: tuple[str, ...]  # the full versions seen, "3.11.7"
    implementation: str
    image: str | None
    releases: tuple[str, ...]
    machines: tuple[str, ...]
    ci_jobs: tuple[str, ...]
    runners: tuple[str, ...]
    methods: tuple[str, ...]  # requested start methods observed, in METHOD_ORDER
    default_method: str | None
    count: int

    @property
    def os_name(self) -> str:
        return OS_NAMES.get(self.system, self.system)

    @property
    def container(self) -> bool:
        return self.image is not None

    @property
    def label(self) -> str:
        base = f"{self.os_name} · Python {self.python}"
        return f"{base} · {self.image}" if self.image else base

    @property
    def short(self) -> str:
        return f"{self.python} @{self.image}" if self.image else self.python

    @property
    def group(self) -> str:
        """Columns of the matrix are grouped: one group per OS, one for containers."""
        return f"{self.os_name} containers" if self.image else f"{self.os_name} (native)"

    @property
    def sort_key(self) -> tuple:
        rank = OS_ORDER.index(self.system) if self.system in OS_ORDER else len(OS_ORDER)
        return (self.container, rank, self.system, _version_tuple(self.python), self.image or "")


@dataclass(frozen=True)
class Column:
    env: Environment
    method: str

    @property
    def label(self) -> str:
        return f"{self.env.label} · {self.method}"


@dataclass(frozen=True)
class Cell:
    status: str  # a Status, or "-" (the claim is not about this method)
    value: str = ""
    detail: str = ""

    @property
    def text(self) -> str:
        """The value shown in the cell ("not observed" when nothing spoke to it)."""
        if self.status == Status.NOT_RUN and not self.value:
            return _("not run")
        return in_words(self.value)


@dataclass(frozen=True)
class Latency:
    """Start latency (start() called → the child's bootstrap began) for one column."""

    env: Environment
    method: str
    first: float | None  # median over runs of each run's first start
    later: float | None  # median of every later start
    low: float | None  # fastest and slowest start seen (any)
    high: float | None
    starts: int
    runs: int
    source: str  # "lab 14" or "all labs"
    interpreter: float | None = None  # a bare interpreter start, as lab 14 measures it

    @property
    def typical(self) -> float | None:
        return self.later if self.later is not None else self.first


@dataclass
class LabView:
    id: str
    title_en: str
    title_zh: str
    claims: list[Claim]
    variants: list[str]  # observed variants, base first
    in_catalogue: bool = True  # False: any script, as `labkit compare` runs it

    @property
    def title(self) -> str:
        """The title in the chosen language (English when there is no Chinese one)."""
        return self.title_zh if language() == "zh" and self.title_zh else self.title_en

    @property
    def heading(self) -> str:
        if not self.in_catalogue:
            return _("Script {name}").format(name=self.id)
        return _("Lab {lab}").format(lab=self.id) + f" — {self.title}"


@dataclass
class Report:
    observations: list[Observation]
    verdicts: list[Verdict]
    environments: list[Environment]
    columns: list[Column]
    claims: list[Claim]
    latency: list[Latency]
    labs: list[LabView]
    unobserved: list[Claim] = field(default_factory=list)  # their lab ran nowhere
    sources: list[Source] = field(default_factory=list)
    duplicates: int = 0
    _cells: dict[tuple[str, str, str], Verdict] = field(default_factory=dict, repr=False)
    _runs: dict[tuple[str, str, str, str], list[Observation]] = field(
        default_factory=dict, repr=False
    )

    # -- the matrix -------------------------------------------------------------------

    def cell(self, claim: Claim, column: Column) -> Cell:
        v = self._cells.get((claim.id, column.env.key, column.method))
        if v is not None:
            return Cell(v.status, v.value, v.detail)
        if column.method not in claim.methods:
            return Cell(NOT_JUDGED, "", f"not judged under {column.method}")
        return Cell(Status.NOT_RUN, "", f"not run in {column.env.label} under {column.method}")

    def totals(self, env: Environment | None = None) -> Counter[str]:
        """Cells of the matrix by status (what the reader sees, "not observed" included)."""
        c: Counter[str] = Counter({s: 0 for s in Status})
        cols = self.columns if env is None else self.columns_of(env)
        for claim in self.claims:
            for col in cols:
                status = self.cell(claim, col).status
                if status != NOT_JUDGED:
                    c[status] += 1
        return c

    def failures(self) -> list[tuple[Claim, Column, Cell]]:
        out = []
        for claim in self.claims:
            for col in self.columns:
                cell = self.cell(claim, col)
                if cell.status == Status.FAIL:
                    out.append((claim, col, cell))
        return out

    def columns_of(self, env: Environment) -> list[Column]:
        return [c for c in self.columns if c.env.key == env.key]

    def groups(self) -> list[tuple[str, list[Environment]]]:
        out: dict[str, list[Environment]] = {}
        for env in self.environments:
            out.setdefault(env.group, []).append(env)
        return list(out.items())

    # -- runs, for timelines ------------------------------------------------------------

    def runs(self, lab: str, variant: str, env: Environment, method: str) -> list[Observation]:
        return self._runs.get((lab, variant, env.key, method), [])

    def first_run(
        self, lab: str, variant: str, env: Environment, method: str
    ) -> Observation | None:
        runs = self.runs(lab, variant, env, method)
        return runs[0] if runs else None

    def lab_environments(self, lab: str) -> list[Environment]:
        keys = {k[2] for k in self._runs if k[0] == lab}
        return [e for e in self.environments if e.key in keys]

    def reference_environment(self) -> Environment:
        """The environment with the most Observations (ties: the first in order)."""
        return max(self.environments, key=lambda e: (e.count, -self.environments.index(e)))


# -- building -------------------------------------------------------------------------


def _environments(observations: list[Observation]) -> list[Environment]:
    groups: dict[str, list[Observation]] = defaultdict(list)
    for o in observations:
        groups[o.environment].append(o)
    envs = []
    for key, obs in groups.items():
        first = obs[0]
        version = first.python.get("version", "?")
        defaults = Counter(o.default_start_method for o in obs if o.default_start_method)
        envs.append(
            Environment(
                key=key,
                system=first.platform.get("system") or "?",
                python=".".join(version.split(".")[:2]),
                python_versions=_distinct(o.python.get("version") for o in obs),
                implementation=first.python.get("implementation", "") or "",
                image=first.platform.get("image") or None,
                releases=_distinct(o.platform.get("release") for o in obs),
                machines=_distinct(o.platform.get("machine") for o in obs),
                ci_jobs=_distinct(o.platform.get("ci_job") for o in obs),
                runners=_distinct(o.platform.get("runner") for o in obs),
                methods=tuple(sorted({o.requested_start_method for o in obs}, key=method_rank)),
                default_method=defaults.most_common(1)[0][0] if defaults else None,
                count=len(obs),
            )
        )
    return sorted(envs, key=lambda e: e.sort_key)


def child_latencies(o: Observation) -> list[float]:
    """Seconds from start() to the child's bootstrap, in the order of starts."""
    return [lat for p in o.children if (lat := p.start_latency) is not None]


_INTERPRETER = re.compile(r"bare interpreter start:\s*([0-9.]+)\s*ms")


def _interpreter_start(runs: list[Observation]) -> float | None:
    found = []
    for o in runs:
        for line in o.lines("stdout"):
            m = _INTERPRETER.search(line.text)
            if m:
                found.append(float(m.group(1)) / 1000)
                break
    return statistics.median(found) if found else None


def _latency(env: Environment, method: str, obs: list[Observation]) -> Latency | None:
    runs = [o for o in obs if o.lab == LATENCY_LAB and o.variant == "base"]
    source = f"lab {LATENCY_LAB}"
    if not any(child_latencies(o) for o in runs):
        runs, source = obs, "all labs"
    firsts, later, every = [], [], []
    for o in runs:
        lat = child_latencies(o)
        if not lat:
            continue
        firsts.append(lat[0])
        later.extend(lat[1:])
        every.extend(lat)
    if not every:
        return None
    return Latency(
        env=env,
        method=method,
        first=statistics.median(firsts),
        later=statistics.median(later) if later else None,
        low=min(every),
        high=max(every),
        starts=len(every),
        runs=len(firsts),
        source=source,
        interpreter=_interpreter_start(runs) if source != "all labs" else None,
    )


def _labs(observations: list[Observation], claims: list[Claim]) -> list[LabView]:
    variants: dict[str, set[str]] = defaultdict(set)
    for o in observations:
        variants[o.lab].add(o.variant)
    ids = sorted(variants, key=lambda i: (i not in BY_ID, i))
    out = []
    for lab_id in ids:
        lab = BY_ID.get(lab_id)
        known = list(lab.scripts()) if lab else []
        ordered = [v for v in known if v in variants[lab_id]]
        ordered += sorted(v for v in variants[lab_id] if v not in ordered)
        out.append(
            LabView(
                id=lab_id,
                title_en=lab.title_en if lab else Path(lab_id).name,
                title_zh=lab.title_zh if lab else "",
                claims=[c for c in claims if c.lab == lab_id],
                variants=ordered,
                in_catalogue=lab is not None,
            )
        )
    return out


def from_observations(
    observations: list[Observation], sources: list[Source] | None = None, duplicates: int = 0
) -> Report:
    """The report over Observations already in memory."""
    ran = {o.lab for o in observations}
    claims = [c for c in all_claims() if c.lab in ran]
    unobserved = [c for c in all_claims() if c.lab not in ran]
    verdicts = judge_all(observations)
    envs = _environments(observations)
    columns = [Column(e, m) for e in envs for m in e.methods]

    by_col: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    runs: dict[tuple[str, str, str, str], list[Observation]] = defaultdict(list)
    for o in observations:
        by_col[(o.environment, o.requested_start_method)].append(o)
        runs[(o.lab, o.variant, o.environment, o.requested_start_method)].append(o)
    for key in runs:
        runs[key].sort(key=lambda o: (o.repeat, o.started_at, o.run_id))

    latency = []
    for col in columns:
        if col.method == "default":
            continue  # the default is one of the three, measured under its own name
        lat = _latency(col.env, col.method, by_col[(col.env.key, col.method)])
        if lat is not None:
            latency.append(lat)

    return Report(
        observations=observations,
        verdicts=verdicts,
        environments=envs,
        columns=columns,
        claims=claims,
        latency=latency,
        labs=_labs(observations, claims),
        unobserved=unobserved,
        sources=sources or [],
        duplicates=duplicates,
        _cells={(v.claim, v.environment, v.method): v for v in verdicts},
        _runs=dict(runs),
    )


def build(paths: Iterable[str | Path]) -> Report:
    """Read every Observation under ``paths`` (folders, files, zips) and judge them."""
    loaded: Loaded = load(paths)
    return from_observations(loaded.observations, loaded.sources, loaded.duplicates)
