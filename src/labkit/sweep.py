"""A sweep: many runs (lab × variant × method × repeat) in one place, as one batch.

``python -m labkit.sweep PLAN.json OUT_DIR`` is what a container executes: it reads
RunSpecs, runs them with the runner, writes one Observation per run and prints one
JSON line per finished run (the host turns those into progress). Runs marked
``concurrent`` share the machine; timing-sensitive runs go alone, afterwards.
Stdlib-only.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from labkit import interrupts, observation, runner
from labkit.observation import Observation


@dataclass(frozen=True)
class RunSpec:
    lab: str  # a lab id ("03") or, for any script, its path
    variant: str
    script: str  # path; relative paths resolve against the current directory
    method: str  # fork | spawn | forkserver | default
    repeat: int = 0
    timeout: float = 60.0
    concurrent: bool = True  # False: the run measures timing, so it runs alone
    cwd: str | None = None  # the run's working folder; None: a fresh temp folder

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> RunSpec:
        return cls(**d)


Progress = Callable[[dict], None]


def done_event(index: int, total: int, spec: RunSpec, obs: Observation) -> dict:
    return {
        "event": "done",
        "index": index,
        "total": total,
        "lab": spec.lab,
        "variant": spec.variant,
        "method": spec.method,
        "exit_code": obs.exit_code,
        "timed_out": obs.timed_out,
    }


def run_specs(
    specs: Sequence[RunSpec],
    jobs: int = 4,
    progress: Progress | None = None,
    on_result: Callable[[Observation], None] | None = None,
) -> list[Observation]:
    """Run every spec; results come back in the order of ``specs``.

    ``on_result`` sees each Observation as soon as its run ends (before ``progress``),
    so a batch killed half-way still leaves the finished runs behind. Runs ended by
    the abort itself are not finished runs: they are dropped, not passed on.
    """
    results: list[Observation | None] = [None] * len(specs)
    finished = 0
    lock = threading.Lock()  # workers finish concurrently: count them one at a time
    aborting = threading.Event()

    def one(i: int) -> None:
        nonlocal finished
        spec = specs[i]
        obs = runner.run(
            Path(spec.script),
            runner.RunOptions(
                method=spec.method,
                timeout=spec.timeout,
                lab=spec.lab,
                variant=spec.variant,
                repeat=spec.repeat,
                cwd=spec.cwd,
            ),
        )
        if aborting.is_set():
            return
        with lock:
            results[i] = obs
            if on_result:
                on_result(obs)
            finished += 1
            if progress:
                progress(done_event(finished, len(specs), spec, obs))

    together = [i for i, s in enumerate(specs) if s.concurrent]
    alone = [i for i, s in enumerate(specs) if not s.concurrent]
    if len(together) == 1 or jobs <= 1:
        # One at a time anyway: run them here, in order, as the runs that go alone are
        # (a thread pool would change nothing but the start-up cost of importing it).
        alone = together + alone
        together = []
    if together:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        try:
            for fut in [pool.submit(one, i) for i in together]:
                fut.result()
        except BaseException:
            # Ctrl-C lands here, in the waiting thread: end the runs the workers hold.
            aborting.set()
            pool.shutdown(wait=False, cancel_futures=True)
            runner.abort_all()
            pool.shutdown(wait=True)
            raise
        pool.shutdown(wait=True)
    for i in alone:
        one(i)
    return [r for r in results if r is not None]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    jobs = 4
    if "--jobs" in args:
        k = args.index("--jobs")
        jobs = int(args[k + 1])
        del args[k : k + 2]
    if len(args) != 2:
        print("usage: python -m labkit.sweep PLAN.json OUT_DIR [--jobs N]", file=sys.stderr)
        return 2
    plan, out = Path(args[0]), Path(args[1])
    specs = [RunSpec.from_dict(d) for d in json.loads(plan.read_text(encoding="utf-8"))]

    def report(event: dict) -> None:
        print(json.dumps(event), flush=True)

    def keep(obs: Observation) -> None:
        observation.write([obs], out)

    interrupts.install()  # `docker stop` (SIGTERM) ends the runs whole, as on the host
    try:
        run_specs(specs, jobs=jobs, progress=report, on_result=keep)
    except KeyboardInterrupt as exc:
        return interrupts.stop_code(exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
