"""``labkit images build|list|save|load|prune|run-line|shell`` (alias ``python -m
labkit.images``): the kit images by hand. ``labkit.cli.main`` turns errors into exit codes."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from labkit.errors import EnvironmentUnavailable
from labkit.i18n import _


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="images_command", required=True)
    b = sub.add_parser("build", help=_("build (or reuse) kit images; prints what it did"))
    b.add_argument("--python", default="all", help=_("3.11, 3.14, 3.11,3.14 or all"))
    b.add_argument("--classroom", action="store_true", help=_("the classroom image too"))
    b.add_argument("--json", type=Path, help=_("write the results as JSON here"))
    sub.add_parser("list", help=_("kit images in the engine"))
    s = sub.add_parser("save", help=_("docker save the current images to one tarball"))
    s.add_argument("dest", type=Path)
    s.add_argument("--python", default="all")
    s.add_argument("--classroom", action="store_true")
    lo = sub.add_parser("load", help=_("docker load a tarball made by save"))
    lo.add_argument("src", type=Path)
    sub.add_parser("prune", help=_("remove kit images of older recipes"))
    r = sub.add_parser("run-line", help=_("print the docker run line for the classroom"))
    r.add_argument("--workdir", type=Path,
                   help=_("a host folder to keep work in (/home/lab/work)"))
    sh = sub.add_parser(
        "shell",
        help=_("build the classroom image and open a shell in it "
               "(without a terminal: print the docker run line instead)"),
    )
    sh.add_argument("--workdir", type=Path,
                    help=_("a host folder to keep work in (/home/lab/work)"))
    sh.add_argument("--print", action="store_true", help=_("only print the docker run line"))
    # --lang after the subcommand word too, as every command takes it (labkit.cli reads it)
    for each in sub.choices.values():
        each.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS,
                          help=_("language of the messages"))


def command(args: argparse.Namespace) -> int:
    try:
        return _command(args)
    except Exception as exc:  # the engine refused something (docker.errors.*)
        if type(exc).__module__.startswith(("docker", "requests", "urllib3")):
            from labkit.images._engine import first_line

            raise EnvironmentUnavailable(f"the Docker engine: {first_line(exc)}") from None
        raise


def _command(ns: argparse.Namespace) -> int:
    from labkit import images

    cmd = ns.images_command
    if cmd == "load" and not ns.src.is_file():
        from labkit.errors import UsageError

        raise UsageError(_("no such file: {path}").format(path=ns.src))
    client = images.engine()
    slog = images.StreamLog()  # one clock for the whole build
    if cmd == "build":
        results = {}
        for py in images.parse_pythons(ns.python):
            results[f"py{py}"] = images.ensure(py, client, slog)
        if ns.classroom:
            results["classroom"] = images.ensure_classroom(client, slog)
        for res in results.values():
            print(res.line())
            for what, sec in res.steps:
                print(f"    {what}: {sec:.1f}s")
        if ns.json:
            ns.json.parent.mkdir(parents=True, exist_ok=True)
            ns.json.write_text(json.dumps({k: vars(v) for k, v in results.items()}, indent=1),
                               encoding="utf-8")
    elif cmd == "list":
        for img in images.kit_images(client):
            print(f"{', '.join(img.tags) or img.short_id:60} {img.attrs['Size'] / 1e6:6.0f} MB")
    elif cmd == "save":
        tags = [images.ensure(py, client).tag for py in images.parse_pythons(ns.python)]
        if ns.classroom:
            tags.append(images.ensure_classroom(client).tag)
        images.save(client, tags, ns.dest, print)
    elif cmd == "load":
        print("\n".join(images.load(client, ns.src)))
    elif cmd == "prune":
        keep = [t for py in images.pythons() if (t := images.planned_tag(client, py))]
        keep += [images.base_recipe(py).tag for py in images.pythons()]
        keep += [images.base_recipe(classroom=True).tag, "labkit-classroom:latest"]
        images.prune(client, keep, print)
    elif cmd == "run-line":
        tag = images.ensure_classroom(client).tag
        print(shlex.join(images.classroom_run_args(tag, ns.workdir)))
    elif cmd == "shell":
        res = images.ensure_classroom(client, slog)
        print(res.line(), file=sys.stderr)
        return images.open_shell(res.tag, ns.workdir, only_print=ns.print)
    return 0
