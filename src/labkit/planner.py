"""The planner: one typed place that turns a request into every run.

A Request names labs or scripts, start methods, repeats, variants, jobs and where to
run; ``plan()`` turns it into a Plan of RunSpecs. For a lab, what runs follows from
its claims' ``needs`` (variants, repeats, runs under a fixed method for comparisons)
and the catalogue (timeouts, timing labs run alone); a user's script runs once per
method and repeat, sequentially unless ``jobs`` says otherwise, in the folder it was
invoked from unless ``isolate``. ``labkit run/compare/check``, the nox sessions, soak,
bench and the test fixtures all plan here. Stdlib-only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from labkit import catalogue
from labkit.catalogue import DEFAULT_TIMEOUT, METHODS, Lab
from labkit.claims import Claim, by_lab
from labkit.errors import UsageError
from labkit.i18n import _
from labkit.sweep import RunSpec

ALL = "all"
DEFAULT = "default"
LAB_JOBS = 4  # labs: runs that may share the machine do, four at a time
SCRIPT_JOBS = 1  # a user's script: one run at a time, as by hand (a port, a file)


@dataclass(frozen=True)
class Request:
    labs: tuple[str, ...] = ()  # lab ids ("03", "03_join") or "all"
    scripts: tuple[str, ...] = ()  # paths of any Python scripts
    methods: tuple[str, ...] = (DEFAULT,)  # fork, spawn, forkserver, default or all
    repeats: int | None = None  # None: a lab's claims say; a script runs once
    variants: tuple[str, ...] = ()  # empty: every variant the lab's claims read
    timeout: float | None = None  # None: the lab's own timeout per variant, else 60 s
    jobs: int | None = None  # None: LAB_JOBS for labs, SCRIPT_JOBS for scripts
    container: str | None = None  # a kit image's CPython ("3.14", "all"); None: native
    isolate: bool = False  # a script runs in a fresh temp folder, not the invoking one
    cwd: str | None = None  # the invoking folder (None: os.getcwd() when planning)
    # A measurement, not a judgement: exactly the variants (base if none) × methods ×
    # repeats asked for, nothing the claims would add (bench).
    exact: bool = False


@dataclass(frozen=True)
class Plan:
    specs: tuple[RunSpec, ...]
    jobs: int
    container: str | None = None
    # The claims this plan lets one judge (the request's labs and selected variants).
    claims: tuple[Claim, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.specs)


def resolve_methods(requested: Sequence[str], available: Sequence[str]) -> tuple[str, ...]:
    """``all`` → every method available; unknown or absent methods are bad input."""
    out: list[str] = []
    for m in requested:
        if m == ALL:
            names = list(available)
        elif m == DEFAULT:
            names = [DEFAULT]
        elif m not in METHODS:
            raise UsageError(
                _("unknown start method {method}: choose from {methods}, default or all")
                .format(method=repr(m), methods=", ".join(METHODS)))
        elif m not in available:
            raise UsageError(_("start method {method} is not available here (available: "
                               "{methods})").format(method=repr(m), methods=", ".join(available)))
        else:
            names = [m]
        out += [n for n in names if n not in out]
    if not out:
        raise UsageError("no start method to run")
    return tuple(out)


def _labs(idents: Sequence[str]) -> list[Lab]:
    if ALL in idents:
        return list(catalogue.LABS)
    chosen: list[Lab] = []
    for ident in idents:
        lab = catalogue.find(ident)
        if lab not in chosen:
            chosen.append(lab)
    return sorted(chosen, key=catalogue.LABS.index)


def selected_claims(lab: Lab, variants: Sequence[str] = ()) -> list[Claim]:
    """The lab's claims; with ``variants``, those that read one of them."""
    claims = by_lab(lab.id)
    if not variants:
        return claims
    return [c for c in claims if any(n.lab == lab.id and n.variant in variants for n in c.needs)]


def _lab_methods(claims: Sequence[Claim], methods: Sequence[str], default_method: str) -> list[str]:
    """The methods a lab runs under: the requested ones, where ``default`` means the
    platform's own method unless a claim judges the default itself, plus ``default``
    when a claim of the lab is judged only there."""
    judges_default = any(DEFAULT in c.methods for c in claims)
    out: list[str] = []
    for m in methods:
        m = m if m != DEFAULT or judges_default else default_method
        if m not in out:
            out.append(m)
    if judges_default and DEFAULT not in out:
        out.append(DEFAULT)
    return out


def plan_lab(
    lab: Lab,
    request: Request,
    methods: Sequence[str],
    available: Sequence[str],
    default_method: str,
) -> tuple[list[RunSpec], list[Claim]]:
    for v in request.variants:
        if v not in lab.scripts():
            raise UsageError(_("lab {lab} has no variant {variant}: {variants}").format(
                lab=lab.id, variant=repr(v), variants=", ".join(lab.scripts())))
    claims = selected_claims(lab, request.variants)
    # (variant, method) -> repeats, in the order they are first wanted
    wanted: dict[tuple[str, str], int] = {}

    def want(variant: str, method: str, repeats: int) -> None:
        if method != DEFAULT and method not in available:
            return  # a comparison run under a method this platform lacks: nothing to run
        key = (variant, method)
        wanted[key] = max(wanted.get(key, 0), repeats, request.repeats or 1)

    if request.exact:
        for method in methods:
            for variant in request.variants or ("base",):
                want(variant, method, 1)
    for method in [] if request.exact else _lab_methods(claims, methods, default_method):
        judged = [c for c in claims if method in c.methods]
        for claim in judged:
            for need in claim.needs:
                if need.lab == lab.id:
                    want(need.variant, need.method or method, need.repeats)
        if not judged:  # no claim speaks about this method: run what was asked, as asked
            for variant in request.variants or ("base",):
                want(variant, method, 1)
        for variant in request.variants:
            want(variant, method, 1)
    order = list(lab.scripts())
    specs = [
        RunSpec(
            lab=lab.id,
            variant=variant,
            script=str(lab.path(variant)),
            method=method,
            repeat=rep,
            timeout=request.timeout or lab.timeout(variant),
            concurrent=variant not in lab.timing,
            cwd=None,  # labs keep a fresh temp folder
        )
        for (variant, method), repeats in sorted(
            wanted.items(), key=lambda kv: order.index(kv[0][0])
        )
        for rep in range(repeats)
    ]
    return specs, claims


def plan_scripts(request: Request, methods: Sequence[str]) -> list[RunSpec]:
    cwd = None if request.isolate else (request.cwd or os.getcwd())
    seen: set[Path] = set()
    specs = []
    for script in request.scripts:
        key = Path(script).expanduser().resolve()
        if key in seen:  # `compare x.py x.py` runs x.py once
            continue
        seen.add(key)
        specs += [
            RunSpec(
                lab=script,
                variant="base",
                script=script,
                method=m,
                repeat=rep,
                timeout=request.timeout or DEFAULT_TIMEOUT,
                cwd=cwd,
            )
            for m in methods
            for rep in range(request.repeats or 1)
        ]
    return specs


def plan(
    request: Request,
    available: Sequence[str] = METHODS,
    default_method: str | None = None,
) -> Plan:
    """Every run the request needs on a platform with ``available`` methods, whose
    default method is ``default_method`` (its first available method if not given)."""
    if request.repeats is not None and request.repeats < 1:
        raise UsageError(_("--repeat must be at least 1"))
    if request.timeout is not None and request.timeout <= 0:
        raise UsageError(_("--timeout must be positive"))
    if request.jobs is not None and request.jobs < 1:
        raise UsageError(_("--jobs must be at least 1"))
    if request.labs and request.scripts:
        raise UsageError("plan labs or scripts, not both at once")
    methods = resolve_methods(request.methods, available)
    default_method = default_method or available[0]
    specs: list[RunSpec] = []
    claims: list[Claim] = []
    labs = _labs(request.labs)
    if ALL in request.labs and request.variants:  # `all --variant X`: the labs that have X
        labs = [lab for lab in labs if set(request.variants) & set(lab.scripts())]
    for lab in labs:
        lab_specs, lab_claims = plan_lab(lab, request, methods, available, default_method)
        specs += lab_specs
        claims += lab_claims
    specs += plan_scripts(request, methods)
    jobs = request.jobs or (SCRIPT_JOBS if request.scripts else LAB_JOBS)
    return Plan(tuple(specs), jobs, request.container, tuple(claims))


def native_default_method() -> str:
    """The start method a plain ``python script.py`` gets here (listed first)."""
    import multiprocessing

    return multiprocessing.get_all_start_methods()[0]
