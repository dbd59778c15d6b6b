"""Runs on this machine, with the interpreter labkit itself runs on."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from labkit import runner, sweep
from labkit.observation import Observation
from labkit.sweep import RunSpec


@dataclass(frozen=True)
class NativePlatform:
    jobs: int = 4
    name: str = f"native:{sys.platform}"

    def available_methods(self) -> tuple[str, ...]:
        return runner.available_methods()

    def run(
        self,
        specs: Sequence[RunSpec],
        progress: Callable[[dict], None] | None = None,
        on_result: Callable[[Observation], None] | None = None,
    ) -> list[Observation]:
        return sweep.run_specs(specs, jobs=self.jobs, progress=progress, on_result=on_result)
