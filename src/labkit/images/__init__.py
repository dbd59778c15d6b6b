"""Kit images: one per CPython version, plus the classroom image, built and reused.

Never pulls implicitly. An image is tagged with a hash of its recipe
(``docker/recipes.toml``, the Dockerfile, the build arguments, and for an official base
the id of that image) and is built only when that tag is missing, so a second build with
nothing changed builds nothing. The base of an image is, in this order of preference:

1. the official ``python:<ver>-slim`` when it is already in the engine;
2. a root filesystem built from Debian packages with ``mmdebstrap`` (or ``debootstrap``)
   from the apt mirror this machine is configured with, imported into the engine: works
   with no container registry at all;
3. the official image pulled on request (``LABKIT_BASE=official``): an explicit pull.

``LABKIT_BASE=debian|official|auto`` forces a source; ``LABKIT_DEBIAN_MIRROR`` overrides the
mirror. ``labkit images build|list|save|load|prune|run-line|shell`` (or ``python -m
labkit.images``) drives it by hand.

By job: ``recipe`` (what goes in an image, its tag), ``_engine`` (the docker client, build
logs, the build lock), ``debian`` (base images), ``build`` (kit images), ``store`` (save,
load, prune), ``classroom`` (the classroom image and its shell), ``cli`` (the command).
"""

from __future__ import annotations

from labkit.images._engine import Log, StreamLog, build_lock, engine, image_exists
from labkit.images.build import BuildResult, ensure, planned_tag
from labkit.images.classroom import classroom_run_args, ensure_classroom, open_shell
from labkit.images.debian import bootstrap_tool, build_debian_base, debian_mirror, ensure_base
from labkit.images.recipe import (
    LABEL,
    RECIPE_VERSION,
    UID,
    BaseRecipe,
    base_recipe,
    docker_dir,
    kit_root,
    parse_pythons,
    pythons,
    recipes,
    runtime_tag,
)
from labkit.images.store import kit_images, load, merge_archives, prune, save

__all__ = [
    "LABEL",
    "RECIPE_VERSION",
    "UID",
    "BaseRecipe",
    "BuildResult",
    "Log",
    "StreamLog",
    "base_recipe",
    "bootstrap_tool",
    "build_debian_base",
    "build_lock",
    "classroom_run_args",
    "debian_mirror",
    "docker_dir",
    "engine",
    "ensure",
    "ensure_base",
    "ensure_classroom",
    "image_exists",
    "kit_images",
    "kit_root",
    "load",
    "merge_archives",
    "open_shell",
    "parse_pythons",
    "planned_tag",
    "prune",
    "pythons",
    "recipes",
    "runtime_tag",
    "save",
]
