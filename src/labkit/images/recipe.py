"""Recipes and hashing: which images exist, what goes in them, and the tags that name them.

An image is tagged with a hash of its recipe (``docker/recipes.toml``, the Dockerfile, the
build arguments, and for an official base the id of that image), so a tag that exists
needs no build. Nothing here talks to an engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.errors import EnvironmentUnavailable, UsageError

LABEL = "labkit"  # every object the kit creates carries LABEL=1
RECIPE_VERSION = "1"  # bump to rebuild every image (a change in how images are made)
UID = 1000


def kit_root() -> Path:
    """The checkout: the folder holding ``src/labkit`` and ``docker/``."""
    env = os.environ.get("LABKIT_ROOT")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "docker" / "recipes.toml").is_file():
            return parent
    return here.parents[3]  # src/labkit/images/recipe.py -> the checkout


def docker_dir() -> Path:
    d = Path(os.environ.get("LABKIT_DOCKER_DIR") or kit_root() / "docker")
    if not (d / "recipes.toml").is_file():
        raise EnvironmentUnavailable(
            f"the image recipes are missing ({d / 'recipes.toml'}): run from a labkit "
            "checkout, or set LABKIT_DOCKER_DIR to its docker/ folder"
        )
    return d


def recipes() -> dict[str, Any]:
    return tomllib.loads((docker_dir() / "recipes.toml").read_text(encoding="utf-8"))


def pythons() -> tuple[str, ...]:
    """The CPython versions that have a kit image, oldest first."""
    return tuple(sorted(recipes()["python"], key=lambda v: tuple(int(x) for x in v.split("."))))


def parse_pythons(arg: str | Sequence[str]) -> tuple[str, ...]:
    """``all``, ``3.14``, ``3.11,3.14`` or ``py3.14`` → known versions; else a usage error."""
    items = [arg] if isinstance(arg, str) else list(arg)
    known = pythons()
    out: list[str] = []
    for item in items:
        for part in str(item).split(","):
            v = part.strip().removeprefix("py").removeprefix("python")
            if not v:
                continue
            if v == "all":
                out.extend(known)
            elif v in known:
                out.append(v)
            else:
                raise UsageError(
                    f"no kit image for Python {part.strip()!r}: choose from "
                    f"{', '.join(known)} or all"
                )
    return tuple(dict.fromkeys(out))


def digest(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        data = p if isinstance(p, bytes) else json.dumps(p, sort_keys=True).encode()
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:12]


@dataclass(frozen=True)
class BaseRecipe:
    name: str  # "py3.14" or "classroom"
    suite: str
    packages: tuple[str, ...]
    official: str
    variant: str
    aptopt: tuple[str, ...]
    dpkgopt: tuple[str, ...]

    @property
    def tag(self) -> str:
        d = digest(
            RECIPE_VERSION, self.suite, self.packages, self.variant, self.aptopt, self.dpkgopt
        )
        return f"labkit-base-{self.name}:{d}"


def base_recipe(python: str | None = None, classroom: bool = False) -> BaseRecipe:
    r = recipes()
    deb = r["debian"]
    entry = r["classroom"] if classroom else r["python"][python]
    return BaseRecipe(
        name="classroom" if classroom else f"py{python}",
        suite=entry["suite"],
        packages=tuple(entry["packages"]),
        official=entry["official"],
        variant=deb.get("variant", "essential"),
        aptopt=tuple(deb.get("aptopt", ())),
        dpkgopt=tuple(deb.get("dpkgopt", ())),
    )


def base_mode() -> str:
    mode = os.environ.get("LABKIT_BASE", "auto").strip().lower() or "auto"
    if mode not in ("auto", "debian", "official"):
        raise UsageError(f"LABKIT_BASE={mode!r}: choose auto, debian or official")
    return mode


def runtime_tag(python: str, base_id: str) -> str:
    dockerfile = (docker_dir() / "Dockerfile").read_bytes()
    args = runtime_args(python)
    return f"labkit-py{python}:{digest(RECIPE_VERSION, dockerfile, args, base_id)}"


def runtime_args(python: str) -> dict[str, str]:
    return {"PYTHON": f"python{python}", "UID": str(UID)}
