"""Where a sweep runs: one small Protocol, one module per place, a registry.

``native`` runs on this machine with this interpreter; ``container`` runs inside a
kit image through the Docker SDK. Both take RunSpecs and give back Observations, so
everything after (claims, tables, report) does not care where a run happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from labkit.observation import Observation
from labkit.sweep import RunSpec


class Platform(Protocol):
    @property
    def name(self) -> str: ...

    def available_methods(self) -> tuple[str, ...]: ...

    def run(
        self, specs: Sequence[RunSpec], progress: Callable[[dict], None] | None = None
    ) -> list[Observation]: ...


def get(name: str, **options: object) -> Platform:
    """``native`` or ``container`` (imported lazily: the docker SDK is a host extra)."""
    if name == "native":
        from labkit.platforms.native import NativePlatform

        return NativePlatform(**options)  # type: ignore[arg-type]
    if name == "container":
        from labkit.platforms.container import ContainerPlatform

        return ContainerPlatform(**options)  # type: ignore[arg-type]
    raise KeyError(name)


REGISTRY = ("native", "container")
