"""Are the verdicts stable? ``labkit soak N`` (``nox -s soak -- N``).

Runs the whole claims suite (every lab × every start method here, the plan of
``nox -s labs``, concurrent where the catalogue allows) N times while a busy loop
occupies one core, judges each sweep, and counts the verdicts that changed between
sweeps: a *flip* is a claim × method (× environment) whose status is not the same in
every sweep. Writes ``results/soak.json`` after every sweep (an interrupted soak keeps
what it did), keeps the Observations of every failed verdict's lab for diagnosis, and
exits 1 if anything flipped.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from labkit.errors import UsageError, VerdictsFlipped

SCHEMA = "labkit.soak/1"
MISSING = "missing"  # a claim judged in some sweeps and not in others
BUSY_LOOP = "while True: pass"


def verdict_key(claim: str, method: str, environment: str) -> str:
    return f"{claim}[{method}]@{environment}"


def find_flips(runs: Sequence[Mapping[str, Mapping[str, str]]]) -> list[dict[str, Any]]:
    """Claims × methods whose status differs between runs.

    ``runs`` holds, per sweep, ``{key: {"status": ..., "value": ...}}``. A key present in
    one sweep and absent from another flipped too (status ``missing`` there). Each flip
    lists how often each status came, and the values seen with each status.
    """
    keys = sorted({k for run in runs for k in run})
    flips = []
    for key in keys:
        statuses = [run[key]["status"] if key in run else MISSING for run in runs]
        if len(set(statuses)) < 2:
            continue
        values: dict[str, list[str]] = {}
        for i, run in enumerate(runs):
            st = statuses[i]
            v = run[key].get("value", "") if key in run else ""
            values.setdefault(st, []).append(f"#{i + 1}: {v}")
        flips.append({
            "key": key,
            "statuses": dict(Counter(statuses)),
            "runs": {st: [i + 1 for i, s in enumerate(statuses) if s == st]
                     for st in sorted(set(statuses))},
            "values": values,
        })
    return flips


def always(runs: Sequence[Mapping[str, Mapping[str, str]]], status: str) -> list[str]:
    """Keys with the same ``status`` in every run (e.g. a claim that always fails)."""
    if not runs:
        return []
    keys = set(runs[0])
    for run in runs[1:]:
        keys &= set(run)
    return sorted(k for k in keys if all(run[k]["status"] == status for run in runs))


@contextmanager
def busy_core(enabled: bool = True) -> Iterator[int | None]:
    """A process that keeps one core busy for as long as the block lasts."""
    if not enabled:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-c", BUSY_LOOP], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _summary(verdicts: Sequence[Any]) -> dict[str, dict[str, str]]:
    return {verdict_key(v.claim, v.method, v.environment): {"status": v.status,
                                                           "value": v.value}
            for v in verdicts}


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``labkit soak`` (alias ``python -m labkit.soak``, ``nox -s soak``)."""
    from labkit.i18n import _

    p.add_argument("n", type=int, nargs="?", default=20, help=_("sweeps (default 20)"))
    p.add_argument("--jobs", type=int, default=4, help=_("concurrent runs, as nox -s labs"))
    p.add_argument("--no-load", action="store_true", help=_("without the busy loop"))
    p.add_argument("--labs", default="", help=_("comma list of lab ids (default: all)"))
    p.add_argument("--out", type=Path, default=Path("results/soak.json"))


def command(args: argparse.Namespace) -> int:
    """Exit 0 when every verdict held; VerdictsFlipped (exit 1) when one changed."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from labkit import catalogue, observation, planner, runner, sweep
    from labkit.claims import Status, judge_all

    if args.n < 1:
        raise UsageError("N must be at least 1")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    labs = tuple(catalogue.find(x.strip()) for x in args.labs.split(",") if x.strip())
    # The plan `nox -s labs` runs (`labkit run all -m all`).
    request = planner.Request(labs=tuple(lab.id for lab in labs) or ("all",),
                              methods=("all",), jobs=args.jobs)
    specs = list(planner.plan(request, runner.available_methods(),
                              planner.native_default_method()).specs)
    out: Path = args.out
    keep = out.with_suffix("")  # results/soak.json -> results/soak/sweep-NN/
    con = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 200)
    record: dict[str, Any] = {
        "schema": SCHEMA,
        "command": "labkit soak " + " ".join(sys.argv[2 if sys.argv[1:2] == ["soak"] else 1:]),
        "n_requested": args.n,
        "n_completed": 0,
        "jobs": args.jobs,
        "load": None if args.no_load else f"one busy loop ({BUSY_LOOP!r}) for the whole soak",
        "runs_per_sweep": len(specs),
        "machine": {"system": platform.system(), "release": platform.release(),
                    "cpus": os.cpu_count(), "python": platform.python_version()},
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "code_at_start": code_hash(),
        "sweeps": [],
        "flips": [],
        "always_failing": [],
    }
    summaries: list[dict[str, dict[str, str]]] = []

    def save() -> None:
        record["n_completed"] = len(summaries)
        record["flips"] = find_flips(summaries)
        record["always_failing"] = always(summaries, Status.FAIL)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")

    t0 = time.perf_counter()
    try:
        with busy_core(not args.no_load) as load_pid, Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=con,
        ) as bar:
            record["load_pid"] = load_pid
            task = bar.add_task("soak", total=len(specs))
            for i in range(args.n):
                bar.reset(task, total=len(specs), description=f"sweep {i + 1}/{args.n}")

                def progress(event: dict, i: int = i) -> None:
                    bar.update(task, completed=event["index"],
                               description=f"sweep {i + 1}/{args.n}: {event['lab']} "
                                           f"{event['variant']} {event['method']}")

                t = time.perf_counter()
                started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
                obs = sweep.run_specs(specs, jobs=args.jobs, progress=progress)
                wall = time.perf_counter() - t
                verdicts = judge_all(obs)
                summary = _summary(verdicts)
                summaries.append(summary)
                failed = [v for v in verdicts if v.status == Status.FAIL]
                if failed:  # keep the evidence of what failed
                    failed_labs = {c.lab for c in _claims(v.claim for v in failed)}
                    observation.write([o for o in obs if o.lab in failed_labs],
                                      keep / f"sweep-{i + 1:02d}")
                counts = Counter(str(v.status) for v in verdicts)
                record["sweeps"].append({
                    "index": i + 1, "started_at": started, "wall_s": round(wall, 2),
                    "code": code_hash(),
                    "loadavg": _loadavg(), "counts": dict(counts), "verdicts": summary,
                })
                save()
                flips = record["flips"]
                now = sorted(f"{v.claim}[{v.method}]" for v in failed)
                bar.console.print(escape(
                    f"sweep {i + 1}/{args.n}: {wall:.1f} s, {dict(counts)}, "
                    f"load {_loadavg()}; flips so far: {len(flips)}"
                    + (f" ({', '.join(f['key'] for f in flips)})" if flips else "")
                    + (f"; failed now: {', '.join(now)}" if now else "")))
    except KeyboardInterrupt:
        save()
        con.print(f"interrupted after {len(summaries)} sweep(s); written {out}")
        raise
    save()
    record["elapsed_s"] = round(time.perf_counter() - t0, 1)
    out.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    flips = record["flips"]
    con.print(escape(f"{len(summaries)} sweeps, {len(summaries[0]) if summaries else 0} verdicts "
              f"each, {len(flips)} flip(s); written {out}"))
    for f in flips:
        con.print(escape(f"  FLIP {f['key']}: {f['statuses']}"))
        for st, vals in f["values"].items():
            con.print(escape(f"    {st}: {'; '.join(vals[:5])}"))
    for k in record["always_failing"]:
        con.print(escape(f"  always failing: {k}"))
    if flips:
        raise VerdictsFlipped(f"{len(flips)} verdict(s) flipped between sweeps: "
                              + ", ".join(f["key"] for f in flips))
    return 0


def code_hash() -> str:
    """A hash of what a sweep reads from disk while it runs (the labs, the tracer), so a
    verdict that changed because someone edited a lab mid-soak can be told apart."""
    import hashlib

    from labkit import catalogue, runner

    h = hashlib.sha256()
    for d in (catalogue.labs_dir(), runner.BOOT_DIR):
        for f in sorted(Path(d).glob("*.py")):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:12]


def _claims(ids: Any) -> list[Any]:
    from labkit.claims import all_claims

    wanted = set(ids)
    return [c for c in all_claims() if c.id in wanted]


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


if __name__ == "__main__":  # python -m labkit.soak: the same as `labkit soak`
    from labkit.cli import main

    main(["soak", *sys.argv[1:]])
