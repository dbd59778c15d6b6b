"""The cross-platform report: many environments' Observations, one view.

``build(paths)`` reads Observations (folders, JSON files, artifact zips) and judges
them with the same claims as pytest; ``render_markdown`` fits a GitHub job summary;
``render_html`` is one self-contained file with inline SVG timelines and charts.
``main(argv)`` is ``labkit report PATH... [--md F] [--html F]``. Stdlib-only but for
the schema check of what is read (``labkit.load``, jsonschema).
"""

from __future__ import annotations

from labkit.load import Loaded, Source, load
from labkit.report._cli import add_arguments, main, run
from labkit.report._html import render_html
from labkit.report._markdown import BUDGET, GITHUB_SUMMARY_LIMIT, render_markdown
from labkit.report._model import (
    Cell,
    Column,
    Environment,
    Latency,
    Report,
    build,
    from_observations,
)

__all__ = [
    "BUDGET",
    "GITHUB_SUMMARY_LIMIT",
    "Cell",
    "Column",
    "Environment",
    "Latency",
    "Loaded",
    "Report",
    "Source",
    "add_arguments",
    "build",
    "from_observations",
    "load",
    "main",
    "render_html",
    "render_markdown",
    "run",
]
