"""How long grading one exercise takes here: each exercise's starter (its hanging runs
wait for the watchdog) and, in a checkout, its correct fix from tests/solutions.

``measure(log)`` returns the figures for ``labkit.bench`` (its ``grade`` entry);
``python -m labkit.grade.timing [--out F]`` prints them and writes JSON."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from labkit.grade import exercises, grading

GOAL_S = 15.0


def _solutions() -> Path:
    return exercises.exercises_dir().parent / "tests" / "solutions"


def measure(log: Callable[[str], None] = lambda msg: None, rounds: int = 1) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    for x in exercises.all_exercises():
        files = {"starter": x.starter, "fix": _solutions() / x.file_name}
        for kind, path in files.items():
            if not path.is_file():
                continue
            walls, points = [], ""
            for _ in range(rounds):
                t = time.perf_counter()
                g = grading.grade(x, path)
                walls.append(time.perf_counter() - t)
                points = f"{g.points}/{g.max_points}"
            per.setdefault(x.id, {})[kind] = {"wall_s": statistics.median(walls),
                                              "points": points}
            log(f"grade {x.id} {kind}: {statistics.median(walls):.2f} s, {points}")
    worst = max((v["wall_s"] for e in per.values() for v in e.values()), default=None)
    return {"exercises": per, "worst_s": worst, "goal_s": GOAL_S,
            "within_goal": worst is not None and worst < GOAL_S}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m labkit.grade.timing")
    p.add_argument("--out", type=Path)
    p.add_argument("--rounds", type=int, default=1)
    args = p.parse_args(argv)
    result = measure(lambda m: print(m, file=sys.stderr, flush=True), args.rounds)
    for ex, kinds in result["exercises"].items():
        cells = "  ".join(f"{k} {v['wall_s']:5.2f} s ({v['points']})" for k, v in kinds.items())
        print(f"{ex:<16}{cells}")
    print(f"worst {result['worst_s']:.2f} s (goal < {GOAL_S:.0f} s)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
