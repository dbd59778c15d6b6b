"""What the kit costs, measured: ``labkit bench`` (``nox -s bench``).

One run, one machine, side by side, every figure a median over repeats (the machine
is shared and noisy: a single reading means little). It writes ``results/bench.json``
and prints a table. The figures:

- ``tracer_overhead_ratio`` — start latency (``start()`` → the child's first
  instruction, read by the child and sent back on a Queue, like ``labs/14_latency.py``)
  of a probe script run through the kit (tracer in every interpreter) over the same
  probe run with a ``sitecustomize`` that only forces the start method; per method,
  the worst reported.
- ``tracer_bare_start_ratio`` — a bare ``python -c pass`` with the tracer loaded in it
  (as in an interpreter a traced script starts itself) over one without.
- ``cli_start_over_bare`` — ``labkit --version`` over ``python -c pass`` (the CLI's own
  start; ``labkit list`` beside it), kit modules byte-compiled first, as installed.
- ``labkit_run_over_plain`` — the whole ``labkit run 12`` (a ~40 ms lab; tables and all)
  over ``python labs/12_globals.py``.
- ``kit_overhead_ratio`` — the wall time of a lab run through the runner (subprocess,
  tracer, watchdog, temp cwd, reading the trace, building the Observation) over the
  same script run as plain ``python labs/x.py`` (a long lab and a short one).
- ``container_overhead_ratio`` — a lab's wall time inside a kit container over the
  same lab natively, both timed by the runner (same plan, same methods); the
  container's fixed cost per sweep (create, copy in, start, copy out, remove) is
  reported beside it.
- ``spawn_over_fork_start``, ``forkserver_later_over_fork_start`` and each method's
  start latency over a bare interpreter start (``python -c pass``).
- ``suite_wall_over_floor`` — the wall time of the whole labs suite over the waits
  its scripts prescribe (their sleeps and timeouts, and the watchdog waits of the
  runs that must hang), at ``jobs=4`` and ``jobs=1``.

``labkit bench`` (alias ``python -m labkit.bench``); ``--only startup,latency`` or
``--skip container,suite`` choose parts, ``--quick`` takes fewer repeats. Host-side (rich
for the table); the benchmark never runs in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit import bench_probes, catalogue, planner, runner, sweep
from labkit.errors import UsageError
from labkit.observation import Observation
from labkit.sweep import RunSpec

SCHEMA = "labkit.bench/1"
GOALS = {
    "tracer_overhead_ratio": 1.10,
    "tracer_bare_start_ratio": 1.30,
    "cli_start_over_bare": 3.0,
    "labkit_run_over_plain": 3.0,
    "kit_overhead_ratio": 1.10,
    "container_overhead_ratio": 1.15,
}
MARK = "LABKIT_BENCH "  # the probe's result line (bench_probes/start_probe.py prints it)

# -- pure helpers (unit-tested) ---------------------------------------------------------


def summarise(xs: Sequence[float]) -> dict[str, float]:
    """Median and spread of samples; ``n == 0`` gives an empty summary."""
    if not xs:
        return {"n": 0}
    s = sorted(xs)
    q1, q3 = (statistics.quantiles(s, n=4)[0::2] if len(s) >= 2 else (s[0], s[0]))
    return {"n": len(s), "median": statistics.median(s), "min": s[0], "max": s[-1],
            "q1": q1, "q3": q3}


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b <= 0:
        return None
    return a / b


def paired(a: Sequence[float], b: Sequence[float]) -> float | None:
    """The median of per-round ratios a[i] / b[i]: each pair was measured back to back,
    so a load that comes and goes moves both sides of a pair, not the figure."""
    rs = [x / y for x, y in zip(a, b, strict=True) if y > 0]
    return statistics.median(rs) if rs else None


def worst(per_key: dict[str, float | None]) -> tuple[str | None, float | None]:
    """The key with the highest ratio (the one to report against a goal)."""
    known = {k: v for k, v in per_key.items() if v is not None}
    if not known:
        return None, None
    key = max(known, key=lambda k: known[k])
    return key, known[key]


def parse_probe(texts: Iterable[str]) -> dict[str, Any]:
    """The probe's result line (``LABKIT_BENCH {...}``) among a run's output lines."""
    for text in texts:
        if text.startswith(MARK):
            data = json.loads(text[len(MARK):])
            if not isinstance(data.get("starts"), list) or not data["starts"]:
                break
            return data
    raise ValueError("the probe printed no result line")


def first_and_later(starts: Sequence[float]) -> tuple[float, float]:
    """First start, and the median of the later ones (the first pays one-off costs)."""
    if len(starts) < 2:
        raise ValueError("need at least two starts")
    return starts[0], statistics.median(starts[1:])


def run_floor(script: str, timed_out: bool, timeout: float) -> float | None:
    """What a run must wait at least: its script's sleeps, or the watchdog's timeout
    for a run that hangs. None for a script the catalogue does not know."""
    if timed_out:
        return timeout
    return catalogue.sleep_floor(script)


def makespan_bound(concurrent: Sequence[float], alone: Sequence[float], jobs: int) -> float:
    """A lower bound of a batch's wall time: the runs that go alone one after the other,
    after the concurrent ones spread over ``jobs`` workers (no worker beats its longest
    run, and together they cannot beat the total divided by ``jobs``)."""
    spread = max(max(concurrent, default=0.0), sum(concurrent) / max(1, jobs))
    return sum(alone) + spread


def suite_floor(specs: Sequence[RunSpec], observations: Sequence[Observation],
                jobs: int) -> dict[str, Any]:
    """The suite's floor: serial (the sum of every run's prescribed wait), with the
    watchdog waits shown apart, and the bound for ``jobs`` workers."""
    by_key = {(o.lab, o.variant, o.requested_start_method, o.repeat): o for o in observations}
    sleeps = watchdog = 0.0
    concurrent: list[float] = []
    alone: list[float] = []
    unknown: list[str] = []
    below: list[str] = []
    for spec in specs:
        o = by_key.get((spec.lab, spec.variant, spec.method, spec.repeat))
        timed_out = bool(o and o.timed_out)
        floor = run_floor(spec.script, timed_out, spec.timeout)
        if floor is None:
            unknown.append(Path(spec.script).name)
            floor = 0.0
        if timed_out:
            watchdog += floor
        else:
            sleeps += floor
        (concurrent if spec.concurrent else alone).append(floor)
        if o is not None and o.duration_s < floor - 0.05:  # the table would be wrong
            below.append(f"{spec.lab}/{spec.variant}/{spec.method}: "
                         f"{o.duration_s:.2f} s < floor {floor:.2f} s")
    return {
        "serial_s": sleeps + watchdog,
        "sleeps_s": sleeps,
        "watchdog_s": watchdog,
        "bound_s": makespan_bound(concurrent, alone, jobs),
        "unknown_scripts": sorted(set(unknown)),
        "runs_below_floor": below,
    }


def plain_env(method: str, boot: Path | None) -> dict[str, str]:
    """The environment of a plain run: the caller's, minus the kit's variables; with
    ``boot`` (the plain sitecustomize) first on PYTHONPATH when a method is forced."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABKIT_")}
    if method != "default" and boot is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(boot), os.environ.get("PYTHONPATH", "")) if p)
        env["LABKIT_START_METHOD"] = method
    env.update(PYTHONIOENCODING="utf-8", PYTHONDONTWRITEBYTECODE="1")
    return env


# -- measuring ------------------------------------------------------------------------


Log = Callable[[str], None]


@dataclass
class Workspace:
    """Where one bench run keeps its temp files; the probe and the plain sitecustomize are
    files of the kit (``labkit/bench_probes``), the number of starts an environment
    variable the probe reads."""

    root: Path
    boot: Path = bench_probes.PLAIN_BOOT
    probe: Path = bench_probes.START_PROBE

    @classmethod
    def make(cls, starts: int) -> Workspace:
        os.environ[bench_probes.STARTS_ENV] = str(starts)  # the kit's runs inherit it
        return cls(Path(tempfile.mkdtemp(prefix="labkit-bench-")))

    def close(self) -> None:
        os.environ.pop(bench_probes.STARTS_ENV, None)
        shutil.rmtree(self.root, ignore_errors=True)


def plain_run(script: Path, method: str, ws: Workspace, timeout: float = 120.0
              ) -> tuple[float, subprocess.CompletedProcess[str]]:
    """``python script`` in a fresh temp cwd, as a student would run it (method forced
    by the plain sitecustomize unless ``default``); returns (wall seconds, result)."""
    cwd = Path(tempfile.mkdtemp(prefix="cwd-", dir=ws.root))
    try:
        t = time.perf_counter()
        res = subprocess.run([sys.executable, str(script)], cwd=cwd,
                             env=plain_env(method, ws.boot), stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, encoding="utf-8",
                             errors="replace", timeout=timeout, check=False)
        return time.perf_counter() - t, res
    finally:
        shutil.rmtree(cwd, ignore_errors=True)


def kit_run(script: Path, method: str, timeout: float = 120.0) -> tuple[float, Observation]:
    t = time.perf_counter()
    obs = runner.run(script, runner.RunOptions(method=method, timeout=timeout))
    return time.perf_counter() - t, obs


def bare_start(traced_in: Path | None = None) -> float:
    """``python -c pass``; with ``traced_in``, as an interpreter a traced script starts
    (labs/14 does): the tracer loads in it too, writing to that folder."""
    env = plain_env("default", None)
    if traced_in is not None:
        env.update(PYTHONPATH=os.pathsep.join(p for p in (str(runner.BOOT_DIR),
                                                         env.get("PYTHONPATH", "")) if p),
                   LABKIT_TRACE_DIR=str(traced_in), LABKIT_T0_NS=str(time.perf_counter_ns()),
                   LABKIT_MAIN_PID="1", LABKIT_START_METHOD="default")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, stdin=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - t


def measure_latency(methods: Sequence[str], rounds: int, ws: Workspace, log: Log
                    ) -> dict[str, Any]:
    """Probe runs with and without the tracer, alternating which goes first each round;
    a bare interpreter start three times per round."""
    samples: dict[str, dict[str, dict[str, list[float]]]] = {
        m: {"tracer": {"first": [], "later": []}, "plain": {"first": [], "later": []}}
        for m in methods
    }
    bare: list[float] = []
    bare_traced: list[float] = []
    traces = ws.root / "bare_traces"
    traces.mkdir(exist_ok=True)
    for r in range(rounds):
        for _ in range(3):
            pair = (bare_start(), bare_start(traces)) if r % 2 == 0 else (
                bare_start(traces), bare_start())[::-1]
            bare.append(pair[0])
            bare_traced.append(pair[1])
        for m in methods:
            for mode in (("tracer", "plain") if r % 2 == 0 else ("plain", "tracer")):
                if mode == "tracer":
                    _, obs = kit_run(ws.probe, m, timeout=120)
                    data = parse_probe(obs.texts("stdout"))
                else:
                    _, res = plain_run(ws.probe, m, ws)
                    data = parse_probe(res.stdout.splitlines())
                if data["method"] != m:
                    raise RuntimeError(f"probe ran under {data['method']}, not {m}")
                first, later = first_and_later(data["starts"])
                samples[m][mode]["first"].append(first)
                samples[m][mode]["later"].append(later)
            log(f"latency round {r + 1}/{rounds} {m}: tracer "
                f"{samples[m]['tracer']['later'][-1] * 1e3:.2f} ms, plain "
                f"{samples[m]['plain']['later'][-1] * 1e3:.2f} ms (later starts)")
    out: dict[str, Any] = {"bare_s": summarise(bare), "bare_traced_s": summarise(bare_traced),
                           "bare_traced_over_bare": paired(bare_traced, bare), "methods": {}}
    bare_med = out["bare_s"]["median"]
    for m in methods:
        s = {mode: {k: summarise(v) for k, v in d.items()} for mode, d in samples[m].items()}
        t_later, p_later = s["tracer"]["later"]["median"], s["plain"]["later"]["median"]
        tr, pl = samples[m]["tracer"], samples[m]["plain"]
        out["methods"][m] = {
            **s,
            "tracer_over_plain_later": paired(tr["later"], pl["later"]),
            "tracer_over_plain_first": paired(tr["first"], pl["first"]),
            "ratio_of_medians_later": ratio(t_later, p_later),
            "plain_later_over_bare": ratio(p_later, bare_med),
            "tracer_later_over_bare": ratio(t_later, bare_med),
        }
    return out


def measure_kit(labs: Sequence[str], methods: Sequence[str], rounds: int, ws: Workspace,
                log: Log) -> dict[str, Any]:
    """Wall time through the runner vs plain ``python labs/x.py``, alternating order."""
    out: dict[str, Any] = {}
    for lab_id in labs:
        lab = catalogue.find(lab_id)
        script = lab.path()
        per: dict[str, dict[str, list[float]]] = {
            m: {"kit": [], "plain": [], "inside": []} for m in methods}
        for r in range(rounds):
            for m in methods:
                for mode in (("kit", "plain") if r % 2 == 0 else ("plain", "kit")):
                    if mode == "kit":
                        wall, obs = kit_run(script, m)
                        per[m]["kit"].append(wall)
                        per[m]["inside"].append(obs.duration_s)
                    else:
                        wall, _ = plain_run(script, m, ws)
                        per[m]["plain"].append(wall)
                log(f"kit round {r + 1}/{rounds} {lab.script} {m}: kit "
                    f"{per[m]['kit'][-1]:.3f} s, plain {per[m]['plain'][-1]:.3f} s")
        out[lab.script] = {
            m: {
                "kit_s": summarise(v["kit"]),
                "plain_s": summarise(v["plain"]),
                "script_under_kit_s": summarise(v["inside"]),
                "ratio": paired(v["kit"], v["plain"]),
                "ratio_of_medians": ratio(statistics.median(v["kit"]),
                                          statistics.median(v["plain"])),
                "extra_s": statistics.median(v["kit"]) - statistics.median(v["plain"]),
                # the runner's own time after it saw the script exit: the process-tree
                # sweep, reading the trace, building the Observation (the time it takes
                # to see the exit is inside the script's duration)
                "harness_s": statistics.median(k - i for k, i in zip(v["kit"], v["inside"],
                                                                     strict=True)),
            }
            for m, v in per.items()
        }
    return out


def cli_argv(*args: str) -> list[str]:
    """The ``labkit`` command as its console script runs it (``from labkit.cli import
    main``), with the interpreter running the bench."""
    return [sys.executable, "-c", "from labkit.cli import main; main()", *args]


def compile_kit() -> None:
    """Byte-compile the kit's modules first, as an install does: a start that compiles
    them (PYTHONDONTWRITEBYTECODE, a fresh checkout) would be timed instead."""
    import compileall

    with contextlib.suppress(OSError):
        compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=2)


def measure_startup(rounds: int, log: Log) -> dict[str, Any]:
    """The CLI's own start: ``labkit --version`` (answered before the parser is built),
    ``labkit --help`` (the parser built, nothing run) and ``labkit list`` (a table drawn)
    against a bare ``python -c pass``, in rounds that alternate which goes first."""
    compile_kit()
    env = plain_env("default", None)
    cmds = {"bare": [sys.executable, "-c", "pass"], "version": cli_argv("--version"),
            "help": cli_argv("--help"), "list": cli_argv("list")}
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    for r in range(rounds):
        for key in (list(cmds) if r % 2 == 0 else list(cmds)[::-1]):
            t = time.perf_counter()
            subprocess.run(cmds[key], env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, check=False)
            walls[key].append(time.perf_counter() - t)
        if (r + 1) % 5 == 0 or r + 1 == rounds:
            log(f"startup round {r + 1}/{rounds}: --version {walls['version'][-1] * 1e3:.0f} ms, "
                f"list {walls['list'][-1] * 1e3:.0f} ms, bare {walls['bare'][-1] * 1e3:.0f} ms")
    return {"wall_s": {k: summarise(v) for k, v in walls.items()},
            "version_over_bare": paired(walls["version"], walls["bare"]),
            "help_over_bare": paired(walls["help"], walls["bare"]),
            "list_over_bare": paired(walls["list"], walls["bare"])}


def measure_cli(lab_id: str, rounds: int, ws: Workspace, log: Log) -> dict[str, Any]:
    """The whole command a student types, ``labkit run LAB`` (tables and all), against the
    lab's script run by hand, in rounds that alternate which goes first."""
    compile_kit()
    script = catalogue.find(lab_id).path()
    walls: list[float] = []
    plain: list[float] = []
    for r in range(rounds):
        for side in (("kit", "plain") if r % 2 == 0 else ("plain", "kit")):
            if side == "plain":
                plain.append(plain_run(script, "default", ws)[0])
                continue
            t = time.perf_counter()
            subprocess.run(cli_argv("run", lab_id), stdin=subprocess.DEVNULL,
                           capture_output=True, check=False)
            walls.append(time.perf_counter() - t)
        log(f"cli round {r + 1}/{rounds} labkit run {lab_id}: {walls[-1]:.3f} s, "
            f"by hand {plain[-1]:.3f} s")
    return {"lab": lab_id, "wall_s": summarise(walls), "plain_s": summarise(plain),
            "over_plain": paired(walls, plain)}


def default_container_python() -> str:
    """The container Python closest to the native one: same minor if it has an image."""
    from labkit import images

    mine = f"{sys.version_info.major}.{sys.version_info.minor}"
    try:
        known = images.pythons()
    except Exception:  # no recipes (installed kit): the platform will say why
        return mine
    return mine if mine in known else ("3.13" if "3.13" in known else known[-1])


def measure_container(python: str, labs: Sequence[str], methods: Sequence[str], rounds: int,
                      log: Log) -> dict[str, Any]:
    """The same plan, natively and in one container per round, alternating order."""
    try:
        from labkit import platforms

        plat: Any = platforms.get("container", python=python, jobs=1, log=log)
        log(f"container: preparing the image for CPython {python} (built if missing)")
        image = plat.image()
        plat.available_methods()
    except Exception as exc:  # no SDK, no engine, no image: skip with the reason
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return {"skipped": f"{type(exc).__name__}: {reason}", "python": python}
    # Each lab's base script once per method, one run at a time: a measurement.
    specs = list(planner.plan(planner.Request(labs=tuple(labs), methods=tuple(methods),
                                              jobs=1, exact=True),
                              plat.available_methods()).specs)
    inside: dict[str, list[float]] = {}
    native: dict[str, list[float]] = {}
    walls: dict[str, list[float]] = {"container": [], "native": []}
    for r in range(rounds):
        for side in (("container", "native") if r % 2 == 0 else ("native", "container")):
            t = time.perf_counter()
            try:
                obs = plat.run(specs) if side == "container" else sweep.run_specs(specs, jobs=1)
            except Exception as exc:
                return {"skipped": f"{side} sweep failed: {type(exc).__name__}: {exc}",
                        "python": python, "image": image}
            walls[side].append(time.perf_counter() - t)
            for o in obs:
                key = f"{Path(o.script).name}/{o.requested_start_method}"
                (inside if side == "container" else native).setdefault(key, []).append(
                    o.duration_s)
        log(f"container round {r + 1}/{rounds}: container sweep {walls['container'][-1]:.2f} s, "
            f"native {walls['native'][-1]:.2f} s")
    per = {
        k: {
            "container_s": summarise(inside[k]),
            "native_s": summarise(native.get(k, [])),
            "ratio": paired(inside[k], native[k])
            if len(native.get(k, [])) == len(inside[k]) else None,
            "ratio_of_medians": ratio(statistics.median(inside[k]),
                                      statistics.median(native[k]) if native.get(k) else None),
        }
        for k in sorted(inside)
    }
    cw, nw = statistics.median(walls["container"]), statistics.median(walls["native"])
    return {
        "python": python,
        "image": image,
        "native_python": platform.python_version(),
        "runs_per_sweep": len(specs),
        "per_run": per,
        "sweep_wall_s": {"container": summarise(walls["container"]),
                         "native": summarise(walls["native"])},
        "sweep_ratio": paired(walls["container"], walls["native"]),
        "fixed_cost_per_sweep_s": cw - nw,
    }


def measure_suite(jobs_list: Sequence[int], repeats: int, log: Log,
                  labs: Sequence[str] = ()) -> dict[str, Any]:
    """The whole labs suite (``nox -s labs``'s plan) at each ``jobs``; verdicts kept."""
    from labkit.claims import Status, judge_all

    methods = runner.available_methods()
    chosen = tuple(catalogue.find(x) for x in labs) or catalogue.LABS
    # The plan `nox -s labs` runs (`labkit run all -m all`), at each jobs below.
    specs = list(planner.plan(planner.Request(labs=tuple(lab.id for lab in chosen),
                                              methods=("all",)),
                              methods, planner.native_default_method()).specs)
    out: dict[str, Any] = {"runs": len(specs), "methods": list(methods),
                           "labs": [lab.id for lab in chosen], "by_jobs": {}}
    for jobs in jobs_list:
        walls, floors, timing, counts = [], [], [], []
        for rep in range(repeats):
            done = [0]

            def progress(event: dict, done: list[int] = done, jobs: int = jobs) -> None:
                done[0] += 1
                if done[0] % 20 == 0 or done[0] == event["total"]:
                    log(f"suite jobs={jobs}: {done[0]}/{event['total']} runs")

            t = time.perf_counter()
            obs = sweep.run_specs(specs, jobs=jobs, progress=progress)
            walls.append(time.perf_counter() - t)
            floors.append(suite_floor(specs, obs, jobs))
            verdicts = judge_all(obs)
            counts.append({str(s): sum(v.status == s for v in verdicts) for s in Status})
            timing.append({f"{v.claim}[{v.method}]": f"{v.status}: {v.value}"
                           for v in verdicts
                           if v.claim.startswith(("seed.join.", "kit.latency.",
                                                  "seed.queue.empty"))})
            log(f"suite jobs={jobs} repeat {rep + 1}/{repeats}: {walls[-1]:.1f} s, "
                f"{counts[-1]}")
        wall = statistics.median(walls)
        floor = floors[0]
        out["by_jobs"][str(jobs)] = {
            "wall_s": summarise(walls),
            "floor": floor,
            "wall_over_floor": ratio(wall, floor["serial_s"]),
            "wall_over_sleeps": ratio(wall, floor["sleeps_s"]),
            "wall_over_bound": ratio(wall, floor["bound_s"]),
            "verdict_counts": counts,
            "timing_claims": timing,
        }
    return out


def machine() -> dict[str, Any]:
    model = ""
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                model = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "cpu": model,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "executable": sys.executable,
        "loadavg_start": _loadavg(),
    }


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


# -- figures, table, CLI ----------------------------------------------------------------


def figures(results: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers, each with where it comes from."""
    f: dict[str, Any] = {}
    lat = results.get("latency")
    if lat:
        ms = lat["methods"]
        m, v = worst({k: d["tracer_over_plain_later"] for k, d in ms.items()})
        f["tracer_overhead_ratio"] = {
            "value": v, "worst_method": m,
            "per_method": {k: d["tracer_over_plain_later"] for k, d in ms.items()},
            "first_start_per_method": {k: d["tracer_over_plain_first"] for k, d in ms.items()},
        }

        def later(method: str, mode: str = "plain") -> float | None:
            return ms[method][mode]["later"].get("median") if method in ms else None

        def first(method: str, mode: str = "plain") -> float | None:
            return ms[method][mode]["first"].get("median") if method in ms else None

        f["spawn_over_fork_start"] = {"value": ratio(later("spawn"), later("fork")),
                                      "with_tracer": ratio(later("spawn", "tracer"),
                                                           later("fork", "tracer"))}
        f["forkserver_later_over_fork_start"] = {
            "value": ratio(later("forkserver"), later("fork")),
            "with_tracer": ratio(later("forkserver", "tracer"), later("fork", "tracer")),
            "forkserver_first_over_later": ratio(first("forkserver"), later("forkserver")),
        }
        f["start_over_bare_interpreter"] = {
            "bare_ms": lat["bare_s"]["median"] * 1e3,
            "bare_with_tracer_ms": lat["bare_traced_s"]["median"] * 1e3,
            "bare_with_tracer_over_bare": lat["bare_traced_over_bare"],
            "plain": {k: d["plain_later_over_bare"] for k, d in ms.items()},
            "with_tracer": {k: d["tracer_later_over_bare"] for k, d in ms.items()},
        }
    if lat:
        f["tracer_bare_start_ratio"] = {
            "value": lat["bare_traced_over_bare"],
            "bare_ms": lat["bare_s"]["median"] * 1e3,
            "bare_with_tracer_ms": lat["bare_traced_s"]["median"] * 1e3,
        }
    start = results.get("startup")
    if start:
        f["cli_start_over_bare"] = {
            "value": start["version_over_bare"],
            "version_ms": start["wall_s"]["version"]["median"] * 1e3,
            "help_over_bare": start.get("help_over_bare"),
            "list_over_bare": start["list_over_bare"],
            "list_ms": start["wall_s"]["list"]["median"] * 1e3,
            "bare_ms": start["wall_s"]["bare"]["median"] * 1e3,
        }
    kit = results.get("kit")
    if kit:
        per = {f"{s}/{m}": d["ratio"] for s, bym in kit.items() for m, d in bym.items()}
        key, v = worst(per)
        f["kit_overhead_ratio"] = {
            "value": v, "worst": key, "per_lab_method": per,
            "per_lab_worst": {s: worst({m: d["ratio"] for m, d in bym.items()})[1]
                              for s, bym in kit.items()},
        }
    cli = results.get("cli")
    if cli:
        plain = cli["plain_s"]["median"]
        f["labkit_run_over_plain"] = {
            "value": cli["over_plain"],
            "command": f"labkit run {cli['lab']}", "command_ms": cli["wall_s"]["median"] * 1e3,
            "plain_ms": plain * 1e3,
        }
    cont = results.get("container")
    if cont:
        if "skipped" in cont:
            f["container_overhead_ratio"] = {"value": None, "skipped": cont["skipped"]}
        else:
            key, v = worst({k: d["ratio"] for k, d in cont["per_run"].items()})
            f["container_overhead_ratio"] = {
                "value": v, "worst": key,
                "per_run": {k: d["ratio"] for k, d in cont["per_run"].items()},
                "sweep_ratio": cont["sweep_ratio"],
                "fixed_cost_per_sweep_s": cont["fixed_cost_per_sweep_s"],
            }
    suite = results.get("suite")
    if suite:
        f["suite_wall_over_floor"] = {
            f"jobs={j}": {"value": d["wall_over_floor"], "wall_s": d["wall_s"]["median"],
                          "floor_s": d["floor"]["serial_s"],
                          "over_bound": d["wall_over_bound"], "bound_s": d["floor"]["bound_s"]}
            for j, d in suite["by_jobs"].items()
        }
    for name, goal in GOALS.items():
        if name in f and f[name].get("value") is not None:
            f[name]["goal"] = goal
            f[name]["meets_goal"] = f[name]["value"] <= goal
    return f


def _fmt(x: float | None, unit: str = "×") -> str:
    if x is None:
        return "—"
    return f"{x:.2f}{unit}" if unit == "×" else f"{x:.1f} {unit}"


def print_table(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    f = results["figures"]
    con = Console(width=None if Console().is_terminal else 150)
    t = Table(title="What the kit costs (medians over repeats)", title_justify="left")
    for col in ("figure", "value", "goal", "detail"):
        t.add_column(col, overflow="fold")

    def row(name: str, value: str, goal: str = "", detail: str = "") -> None:
        t.add_row(name, escape(value), goal, escape(detail))

    def goal_cell(name: str) -> str:
        d = f.get(name, {})
        if "goal" not in d:
            return ""
        return f"≤ {d['goal']:.2f} " + ("[green]✓[/]" if d["meets_goal"] else "[red]✗[/]")

    if "tracer_overhead_ratio" in f:
        d = f["tracer_overhead_ratio"]
        row("tracer_overhead_ratio", _fmt(d["value"]), goal_cell("tracer_overhead_ratio"),
            f"worst {d['worst_method']}; " + ", ".join(
                f"{m} {_fmt(v)}" for m, v in d["per_method"].items())
            + " (later starts); first start: " + ", ".join(
                f"{m} {_fmt(v)}" for m, v in d["first_start_per_method"].items()))
    if "tracer_bare_start_ratio" in f:
        d = f["tracer_bare_start_ratio"]
        row("tracer_bare_start_ratio", _fmt(d["value"]), goal_cell("tracer_bare_start_ratio"),
            f"`python -c pass` {d['bare_ms']:.1f} ms, with the tracer in it "
            f"{d['bare_with_tracer_ms']:.1f} ms")
    if "cli_start_over_bare" in f:
        d = f["cli_start_over_bare"]
        row("cli_start_over_bare", _fmt(d["value"]), goal_cell("cli_start_over_bare"),
            f"`labkit --version` {d['version_ms']:.1f} ms, `labkit --help` "
            f"{_fmt(d['help_over_bare'])}, `labkit list` {d['list_ms']:.1f} ms "
            f"({_fmt(d['list_over_bare'])}), `python -c pass` {d['bare_ms']:.1f} ms")
    if "labkit_run_over_plain" in f:
        d = f["labkit_run_over_plain"]
        row("labkit_run_over_plain", _fmt(d["value"]), goal_cell("labkit_run_over_plain"),
            f"`{d['command']}` {d['command_ms']:.0f} ms, the script by hand "
            f"{d['plain_ms']:.0f} ms")
    if "kit_overhead_ratio" in f:
        d = f["kit_overhead_ratio"]
        row("kit_overhead_ratio", _fmt(d["value"]), goal_cell("kit_overhead_ratio"),
            f"worst {d['worst']}; per lab (worst method): " + ", ".join(
                f"{s} {_fmt(v)}" for s, v in d["per_lab_worst"].items()))
    if "container_overhead_ratio" in f:
        d = f["container_overhead_ratio"]
        if d.get("skipped"):
            row("container_overhead_ratio", "skipped", "", d["skipped"])
        else:
            row("container_overhead_ratio", _fmt(d["value"]),
                goal_cell("container_overhead_ratio"),
                f"worst {d['worst']}; " + ", ".join(
                    f"{k} {_fmt(v)}" for k, v in d["per_run"].items())
                + f"; whole sweep {_fmt(d['sweep_ratio'])} "
                  f"(+{d['fixed_cost_per_sweep_s']:.2f} s per container)")
    if "spawn_over_fork_start" in f:
        d = f["spawn_over_fork_start"]
        row("spawn_over_fork_start", _fmt(d["value"]), "",
            f"with tracer {_fmt(d['with_tracer'])}")
        d = f["forkserver_later_over_fork_start"]
        row("forkserver_later_over_fork_start", _fmt(d["value"]), "",
            f"with tracer {_fmt(d['with_tracer'])}; forkserver first/later "
            f"{_fmt(d['forkserver_first_over_later'])}")
        d = f["start_over_bare_interpreter"]
        row("start_over_bare_interpreter", ", ".join(
            f"{m} {_fmt(v)}" for m, v in d["plain"].items()), "",
            f"bare `python -c pass` {d['bare_ms']:.1f} ms ({d['bare_with_tracer_ms']:.1f} ms "
            f"with the tracer in it, {_fmt(d['bare_with_tracer_over_bare'])}); with tracer: "
            + ", ".join(f"{m} {_fmt(v)}" for m, v in d["with_tracer"].items()))
    if "suite_wall_over_floor" in f:
        for j, d in f["suite_wall_over_floor"].items():
            row(f"suite_wall_over_floor ({j})", _fmt(d["value"]), "",
                f"wall {d['wall_s']:.1f} s, prescribed waits {d['floor_s']:.1f} s; "
                f"over the {j} bound ({d['bound_s']:.1f} s): {_fmt(d['over_bound'])}")
    con.print(t)

    lat = results.get("latency")
    if lat:
        lt = Table(title="Start latency, ms (median of per-run medians)", title_justify="left")
        for col in ("method", "plain first", "plain later", "tracer first", "tracer later",
                    "tracer/plain", "later / bare"):
            lt.add_column(col, justify="right")
        for m, d in lat["methods"].items():
            lt.add_row(m, *(f"{d[mode][k]['median'] * 1e3:.2f}"
                            for mode in ("plain", "tracer") for k in ("first", "later")),
                       _fmt(d["tracer_over_plain_later"]), _fmt(d["plain_later_over_bare"]))
        lt.add_row("bare", "", f"{lat['bare_s']['median'] * 1e3:.2f}", "", "", "", "1.00×")
        con.print(lt)
    kit = results.get("kit")
    if kit:
        kt = Table(title="A lab through the kit vs plain python, s (medians)",
                   title_justify="left")
        for col in ("script", "method", "plain", "kit", "kit − plain", "of it: after exit",
                    "ratio"):
            kt.add_column(col, justify="right")
        for s, bym in kit.items():
            for m, d in bym.items():
                kt.add_row(s, m, f"{d['plain_s']['median']:.3f}", f"{d['kit_s']['median']:.3f}",
                           f"{d['extra_s']:+.3f}", f"{d['harness_s']:.3f}", _fmt(d["ratio"]))
        cli = results.get("cli")
        if cli:
            plain, whole = cli["plain_s"]["median"], cli["wall_s"]["median"]
            kt.add_row(f"labkit run {cli['lab']}", "default", f"{plain:.3f}", f"{whole:.3f}",
                       f"{whole - plain:+.3f}", "", _fmt(cli["over_plain"]))
        con.print(kt)
    suite = results.get("suite")
    if suite and suite["by_jobs"]:
        st = Table(title="Timing claims at each jobs value (they run alone, after the batch)",
                   title_justify="left")
        st.add_column("claim")
        jobs = list(suite["by_jobs"])
        for j in jobs:
            st.add_column(f"jobs={j}", overflow="fold")
        keys = sorted({k for d in suite["by_jobs"].values() for k in d["timing_claims"][0]})
        for k in keys:
            st.add_row(escape(k), *(escape(suite["by_jobs"][j]["timing_claims"][0].get(k, ""))
                                    for j in jobs))
        con.print(st)
    con.print(f"machine: {results['machine']['cpus']} CPUs, {results['machine']['cpu']}, "
              f"Python {results['machine']['python']}, load average "
              f"{results['machine']['loadavg_start']} → {results['machine'].get('loadavg_end')}")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """``labkit bench`` (alias ``python -m labkit.bench``, ``nox -s bench``)."""
    from labkit.i18n import _

    p.add_argument("--out", type=Path, default=Path("results/bench.json"))
    p.add_argument("--rounds", type=int, default=9, help=_("probe runs per method and side"))
    p.add_argument("--starts", type=int, default=20, help=_("starts per probe run"))
    p.add_argument("--kit-rounds", type=int, default=5, help=_("runs per lab, method and side"))
    p.add_argument("--kit-labs", default="03,12", help=_("labs for kit_overhead_ratio"))
    p.add_argument("--container-python", default=None, help=_("kit image (default: native minor)"))
    p.add_argument("--container-rounds", type=int, default=4)
    p.add_argument("--suite-jobs", default="4,8,1", help=_("jobs values for the suite wall time"))
    p.add_argument("--suite-repeats", type=int, default=1)
    p.add_argument("--suite-labs", default="", help=_("comma list of lab ids (default: all)"))
    p.add_argument("--skip", default="",
                   help=_("comma list of: latency,startup,kit,cli,container,suite,grade"))
    p.add_argument("--only", default="",
                   help=_("comma list of the parts to run (the rest skipped)"))
    p.add_argument("--quick", action="store_true", help=_("few repeats, suite at jobs=4 only"))


PARTS = ("latency", "startup", "kit", "cli", "container", "suite", "grade")


def command(args: argparse.Namespace) -> int:
    for name in ("rounds", "starts", "kit_rounds", "container_rounds", "suite_repeats"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    chosen = {s.strip() for s in (args.only or args.skip).split(",") if s.strip()}
    if chosen - set(PARTS):
        raise UsageError(f"unknown part(s) {', '.join(sorted(chosen - set(PARTS)))}: "
                         f"choose from {', '.join(PARTS)}")
    skip = set(PARTS) - chosen if args.only else chosen
    if args.quick:
        args.rounds, args.kit_rounds, args.container_rounds = 3, 2, 2
        args.suite_jobs = "4"
    methods = runner.available_methods()
    t_start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[bench {time.perf_counter() - t_start:6.0f}s] {msg}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "schema": SCHEMA,
        "command": "labkit bench " + " ".join(sys.argv[2 if sys.argv[1:2] == ["bench"] else 1:]),
        "machine": machine(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "note": "Every figure is a median over repeats, measured in this one run on this "
                "machine; sides of each ratio alternate order round by round.",
    }
    ws = Workspace.make(args.starts)
    try:
        if "latency" not in skip:
            results["latency"] = measure_latency(methods, args.rounds, ws, log)
        if "startup" not in skip:
            results["startup"] = measure_startup(args.kit_rounds * 3, log)
        if "kit" not in skip:
            labs = [x.strip() for x in args.kit_labs.split(",") if x.strip()]
            results["kit"] = measure_kit(labs, ("default", *methods), args.kit_rounds, ws, log)
        if "cli" not in skip:
            results["cli"] = measure_cli("12", args.kit_rounds * 2, ws, log)
        if "container" not in skip:
            py = args.container_python or default_container_python()
            results["container"] = measure_container(py, ("03", "12"), ("fork", "spawn"),
                                                     args.container_rounds, log)
        if "suite" not in skip:
            jobs = [int(j) for j in args.suite_jobs.split(",") if j.strip()]
            labs = [x.strip() for x in args.suite_labs.split(",") if x.strip()]
            results["suite"] = measure_suite(jobs, args.suite_repeats, log, labs)
        if "grade" not in skip:
            from labkit.grade import timing

            results["grade"] = timing.measure(log)
    finally:
        ws.close()
    results["machine"]["loadavg_end"] = _loadavg()
    results["elapsed_s"] = time.perf_counter() - t_start
    results["figures"] = figures(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print_table(results)
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":  # python -m labkit.bench: the same as `labkit bench`
    from labkit.cli import main

    main(["bench", *sys.argv[1:]])
