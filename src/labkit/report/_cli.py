"""``labkit report PATH... [--md F] [--html F]``: merge Observations into one report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from labkit import preflight
from labkit.errors import OutputFailed, UsageError
from labkit.i18n import _, ngettext
from labkit.report._html import render_html
from labkit.report._markdown import render_markdown
from labkit.report._model import Report, build

DESCRIPTION = (
    "Merge Observations from any number of environments (folders, Observation JSON "
    "files, artifact zips) into one report: claims × environments, start latency, and "
    "per lab the processes of each start method on one time axis."
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The report's arguments, for a ``report`` subparser in ``labkit.cli``."""
    parser.add_argument(
        "paths",
        nargs="*",  # none: --grades / --predictions instead
        metavar="PATH",
        help=_("folders, Observation .json files or artifact .zip files"),
    )
    parser.add_argument(
        "--md",
        metavar="FILE",
        help=_("write Markdown here ('-' for stdout), e.g. $GITHUB_STEP_SUMMARY"),
    )
    parser.add_argument("--html", metavar="FILE",
                        help=_("write the self-contained HTML here"))


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as e:
        raise OutputFailed(_("cannot write {path}: {reason}").format(
            path=target, reason=e.strerror or e)) from None


def summary(report: Report) -> str:
    t = report.totals()
    runs, envs, cols = len(report.observations), len(report.environments), len(report.columns)
    return _(", ").join([
        ngettext("{n} Observation", "{n} Observations", runs).format(n=runs),
        ngettext("{n} environment", "{n} environments", envs).format(n=envs),
        ngettext("{n} environment × method column", "{n} environment × method columns",
                 cols).format(n=cols),
    ]) + _(": ") + _("{passed} pass, {failed} fail, {race} race, {na} not applicable, "
                     "{not_run} not run").format(
        passed=t["pass"], failed=t["fail"], race=t["race"], na=t["not_applicable"],
        not_run=t["not_run"])


def run(args: argparse.Namespace) -> int:
    """Do what the parsed arguments ask. Exit 0: the report was made (claims may fail)."""
    if not args.paths:
        raise UsageError(_("give the PATHs of Observations (or --grades / --predictions)"))
    md = str(args.md) if getattr(args, "md", None) is not None else None
    html = str(args.html) if getattr(args, "html", None) is not None else None
    # Where the report goes is checked before anything is read: no work is lost to it.
    if md and md != "-":
        preflight.output_file(Path(md), "--md")
    if html and html != "-":
        preflight.output_file(Path(html), "--html")
    preflight.distinct_outputs(("--md", Path(md) if md else None),
                               ("--html", Path(html) if html else None))
    report = build(args.paths)
    if not md and not html:
        _write("-", render_markdown(report))
        return 0
    say = sys.stderr if md == "-" else sys.stdout
    if md:
        _write(md, render_markdown(report))
        if md != "-":
            print(_("wrote {path}").format(path=md), file=say)
    if html:
        _write(html, render_html(report))
        print(_("wrote {path}").format(path=html), file=say)
    # Wrapped at the terminal's width (else COLUMNS, else 80), like the kit's tables.
    from rich.text import Text

    from labkit.console import console

    console(stderr=say is sys.stderr).print(Text(summary(report)))
    return 0


def main(argv: Sequence[str] | argparse.Namespace | None = None) -> int:
    """``labkit report``: from arguments parsed by ``labkit.cli`` (a Namespace with
    ``paths``, ``md``, ``html``) or from ``argv`` without the ``report`` word.

    Raises UsageError (exit 2) on bad input; returns 0 once the report is written.
    """
    if isinstance(argv, argparse.Namespace):
        return run(argv)
    parser = _Parser(prog="labkit report", description=DESCRIPTION)
    add_arguments(parser)
    return run(parser.parse_args(list(sys.argv[1:] if argv is None else argv)))
