"""``labkit`` — the command line. ``main()`` alone turns errors into exit codes.

Each command is a short pipeline: resolve targets → run (on a platform) → observe
(Observations written) → check (Verdicts) → show (tables).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

from labkit import __version__, interrupts
from labkit.console import prepare_streams
from labkit.errors import (
    EXIT_BROKEN_PIPE,
    ClaimFailed,
    ContainerSweepFailed,
    Interrupted,
    LabkitError,
    OutputFailed,
    UsageError,
)

# Start-up cost: `labkit --version` answers before anything is built, and `labkit list`
# imports only what it uses: the runner, docker, psutil, the report and the grading load
# inside the commands that need them (and typing, pathlib and the catalogs of
# translations wait too: each would add a good part of a bare interpreter's start).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any, NoReturn

    from labkit.observation import Observation



def N_(message: str) -> str:
    """Marks a literal for translation where it is defined; ``_()`` translates it later."""
    return message


# Commands whose arguments live in their own module (``add_arguments(parser)`` and
# ``command(args) -> int``): a module is imported only when its command is asked for.
DEFERRED: dict[str, tuple[str, str]] = {
    "report": ("labkit.report._cli", N_("merge Observations of many platforms into a report")),
    "images": ("labkit.images.cli",
               N_("build, list, save, load or prune the kit images; the classroom shell")),
    "bench": ("labkit.bench", N_("what the kit costs, measured: results/bench.json")),
    "soak": ("labkit.soak",
             N_("the claims suite N times under load; exit 1 if a verdict flips")),
}
# labkit.grade.cli registers these three at once (``add_parsers``), when one is asked for.
GRADE_HELP: dict[str, str] = {
    "grade": "grade a student's file for an exercise, every method",
    "predict": "answer a lab's questions, then run it and compare",
    "classroom": "GitHub Classroom: write an assignment template",
}


def _(msgid: str) -> str:
    from labkit import i18n

    return i18n._(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    from labkit import i18n

    return i18n.ngettext(singular, plural, n)


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def _checked(name: str) -> Callable[[str], object]:
    """``preflight``'s converter ``name``, imported when an argument is converted."""

    def convert(text: str) -> object:
        from labkit import preflight

        return getattr(preflight, name)(text)

    convert.__name__ = name  # argparse names the type in its messages
    return convert

# -- messages (one place, for translation) ------------------------------------------


def msg_no_lab_has_variant(variant: str, variants: Sequence[str]) -> str:
    return _("no lab has a variant {variant}: {variants}").format(
        variant=repr(variant), variants=", ".join(variants))


def msg_written(count: int, folder: Path) -> str:
    return ngettext("{n} Observation file written to {folder}",
                    "{n} Observation files written to {folder}", count).format(
        n=count, folder=folder)


def msg_cannot_save(path: Path, why: str) -> str:
    return _("cannot write {path}: {reason}").format(path=path, reason=why)


def msg_stdout_failed(why: str) -> str:
    return _("cannot write to standard output: {reason}").format(reason=why)


def msg_interrupted(signal_name: str) -> str:
    return _("interrupted by {signal}: the run's processes were ended").format(
        signal=signal_name)


def msg_interrupted_early(signal_name: str) -> str:
    return _("interrupted by {signal} before any run started").format(signal=signal_name)


def msg_interrupted_survivors(signal_name: str, left: Sequence[str]) -> str:
    return _("interrupted by {signal}: {count} process(es) of the run could not be ended: "
             "{processes}").format(signal=signal_name, count=len(left),
                                   processes=", ".join(left))


# argparse's own words (usage, headings, its errors), said through the kit's catalog:
# argparse looks its module-global _ up when it speaks, so pointing it at the kit's
# translates them; in English they come back unchanged.
ARGPARSE_WORDS = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("show program's version number and exit"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"), N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)
argparse._ = _  # type: ignore[attr-defined]


def _cells(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Formatter(argparse.HelpFormatter):
    """argparse wraps by characters; a Chinese character takes two columns, so Chinese
    help is wrapped by columns here (between words, or between two Chinese characters)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        if _cells(text) == len(text):
            return super()._split_lines(text, width)
        import re

        lines = [""]
        for token in re.findall(r"\s+|[\u2e80-\uffff]|[^\s\u2e80-\uffff]+", text.strip()):
            if token.isspace():
                token = " "
            if lines[-1] and _cells(lines[-1] + token) > width:
                # closing punctuation never starts a line: it takes the character before
                carry = lines[-1][-1] if token in "，。：；、）」！？" else ""
                lines[-1] = lines[-1][: len(lines[-1]) - len(carry)]
                lines.append(carry)
            if not (token == " " and not lines[-1]):
                lines[-1] += token
        return [line.rstrip() for line in lines]

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if _cells(text) == len(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + x for x in self._split_lines(text, width - len(indent)))


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise UsageError(_("{message} (see `{command} --help`)").format(
            message=message, command=self.prog))


def _lang_option(parser: argparse.ArgumentParser, default: object) -> None:
    from labkit import i18n

    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=default,
                        help=_("language of the output: zh or en (default: from LANG)"))


def build_parser(*commands: str) -> argparse.ArgumentParser:
    """The parser. Of the DEFERRED and grading commands only those named in ``commands``
    get their arguments; the others are listed by name and help, their modules left
    unimported."""
    p = _Parser(prog="labkit", description=_(
        "Run Python multiprocessing experiments under every start method and check what "
        "a tutorial claims about them."))
    # argparse before 3.13 does not pass this help through its _().
    p.add_argument("--version", action="version", version=f"labkit {__version__}",
                   help=_("show program's version number and exit"))
    _lang_option(p, None)
    # --lang also after the command word (`labkit report --lang zh`), without
    # overriding one given before it.
    common = _Parser(add_help=False)
    _lang_option(common, argparse.SUPPRESS)
    # A metavar, not the list of every command: that list is wider than 80 columns.
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser,
                           metavar=_("COMMAND"))

    sub.add_parser("list", parents=[common], help=_("the labs: id, title, variants, claims"))

    r = sub.add_parser("run", parents=[common],
                       help=_("run a lab id or any script; show and save Observations"))
    r.add_argument("target",
                   help=_("a lab id (03, 03_join), all, or the path of any Python script"))
    r.add_argument("--start-method", "-m", default="default",
                   help=_("fork, spawn, forkserver, default (the platform's) or all"))
    r.add_argument("--repeat", type=_checked("repeats"), default=None,
                   help=_("runs per method (a lab: at least what its claims need)"))
    r.add_argument("--timeout", type=_checked("seconds"), default=None,
                   help=_("seconds before the watchdog (default: the lab's own, else 60)"))
    r.add_argument("--json", type=_path, help=_("write the Observation(s) to this file"))
    r.add_argument("--out", type=_path, help=_("write one Observation file per run here"))
    r.add_argument("--container",
                   help=_("run inside the kit image of this CPython (3.14, all)"))
    r.add_argument("--variant", default=None,
                   help=_("only this variant of a lab and the claims reading it (`labkit list`)"))
    r.add_argument("--full", action="store_true",
                   help=_("show tracebacks in full (default: exception, message and your line)"))
    _script_options(r)

    c = sub.add_parser("compare", parents=[common],
                       help=_("run any script under every method, side by side"))
    c.add_argument("scripts", nargs="+", type=_path)
    c.add_argument("--timeout", type=_checked("seconds"), default=None)
    c.add_argument("--container", help=_("compare inside the kit image of this CPython"))
    c.add_argument("--json", type=_path, help=_("write the Observations to this file"))
    _script_options(c)

    k = sub.add_parser("check", parents=[common],
                       help=_("judge the claims over saved Observations"))
    k.add_argument("paths", nargs="+", type=_path)

    for name, (module, text) in DEFERRED.items():
        sp = sub.add_parser(name, parents=[common], help=_(text), description=_(text))
        if name in commands:
            importlib.import_module(module).add_arguments(sp)
        if name == "report" and name in commands:  # --grades, --predictions: a gradebook
            from labkit.grade import cli as grade_cli

            grade_cli.add_report_arguments(sp)
    if set(commands) & set(GRADE_HELP):
        from labkit.grade import cli as grade_cli

        grade_cli.add_parsers(sub)
    else:
        for name, text in GRADE_HELP.items():  # as labkit.grade.cli says them
            sub.add_parser(name, help=_(text), description=_(text))
    return p


def _commands_in(argv: Sequence[str]) -> list[str]:
    """The deferred commands named anywhere in ``argv``: the command word is among them
    whatever options come before it (a value that happens to be such a name only costs
    an import)."""
    return [a for a in argv if a in DEFERRED or a in GRADE_HELP]


def _script_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=_checked("jobs"), default=None,
                   help=_("runs at once (a script: 1, one after another, as by hand; labs: 4)"))
    p.add_argument("--isolate", action="store_true",
                   help=_("run a script in a fresh temp folder, not the folder you are in"))


# -- pipeline pieces ----------------------------------------------------------------


def is_script(target: str) -> bool:
    """A path, not a lab id: it ends in .py or has a folder in it (``./03``), or it
    exists and no lab has that name. A lab id wins over a file or folder of the same
    name in the working folder (``03``)."""
    from pathlib import Path

    from labkit import catalogue

    if target.endswith(".py") or "/" in target or "\\" in target:
        return True
    if target == "all":
        return False
    try:
        catalogue.find(target)
    except UsageError:
        return Path(target).exists()
    return False


def check_variant_somewhere(variant: str) -> None:
    """``run all --variant X``: X must be a variant of some lab."""
    from labkit import catalogue

    variants = sorted({v for lab in catalogue.LABS for v in lab.scripts()})
    if variant not in variants:
        raise UsageError(msg_no_lab_has_variant(variant, variants))


def platforms_for(container: str | None, jobs: int = 4) -> list:  # type: ignore[type-arg]
    """The native platform, or the kit image of one CPython, or all of them."""
    from labkit import platforms

    if not container:
        return [platforms.get("native", jobs=jobs)]
    from labkit import images

    return [platforms.get("container", python=v, jobs=jobs)
            for v in images.parse_pythons(container)]


def _default_method(plat) -> str:  # type: ignore[no-untyped-def]
    """The platform's own default start method: natively what a plain ``python`` gets;
    a kit image lists its default first."""
    from labkit import planner

    if plat.name.startswith("native"):
        return planner.native_default_method()
    return str(plat.available_methods()[0])


def execute(  # type: ignore[no-untyped-def]
    request, on_result: Callable[[Observation], None] | None = None
) -> tuple[list, list]:  # type: ignore[type-arg]
    """Plan the request on each chosen platform and run it, with a progress bar on
    stderr. Returns (Observations, the claims the plans cover).

    ``on_result`` sees each Observation once its run ended (natively: at once; from a
    container: when the container's runs come back, also when the sweep failed).
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from labkit import planner
    from labkit.safe_text import TITLE_LIMIT, cell

    probe = platforms_for(request.container)
    plans = [planner.plan(request, p.available_methods(), _default_method(p)) for p in probe]
    plats = platforms_for(request.container, jobs=plans[0].jobs)
    for plat in plats:
        if hasattr(plat, "image"):
            plat.image()  # build or reuse the kit image first: its log, then the bar
    observations: list[Observation] = []
    claims: list = []  # type: ignore[type-arg]
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=_console(stderr=True)) as bar:
        tasks, progresses = [], []
        for plat, plan in zip(plats, plans, strict=True):
            claims += [c for c in plan.claims if c not in claims]
            task = bar.add_task(cell(plat.name), total=len(plan.specs))

            def progress(event: dict, task=task, name=plat.name) -> None:  # type: ignore[no-untyped-def]
                bar.update(task, completed=event["index"],
                           description=cell(f"{name}: {event['lab']} {event['variant']} "
                                            f"{event['method']}", TITLE_LIMIT))

            tasks.append(task)
            progresses.append(progress)

        def done(k: int) -> None:
            bar.update(tasks[k], completed=len(plans[k].specs), description=cell(
                _("{platform}: done").format(platform=plats[k].name)))

        if len(plats) > 1:  # kit images: side by side (see run_side_by_side)
            from labkit.platforms.container import run_side_by_side

            got = run_side_by_side(plats, [list(p.specs) for p in plans], progresses,
                                   on_result)
            for k, obs in enumerate(got):
                done(k)
                observations += obs
            return observations, claims
        for k, (plat, plan) in enumerate(zip(plats, plans, strict=True)):
            observations += _run_on(plat, list(plan.specs), progresses[k], on_result)
            done(k)
    return observations, claims


def _run_on(plat, specs, progress, on_result):  # type: ignore[no-untyped-def]
    if not hasattr(plat, "image"):
        return plat.run(specs, progress=progress, on_result=on_result)
    try:
        got = plat.run(specs, progress=progress)
    except ContainerSweepFailed as err:
        for o in err.observations if on_result else ():
            on_result(o)
        raise
    for o in got if on_result else ():
        on_result(o)
    return got


class Keeper:
    """Saves Observations: each into ``--out`` as soon as its run ends, all of them
    into ``--json`` at the end — also when the run is interrupted, so what finished
    is kept."""

    def __init__(self, json_path: Path | None, out: Path | None) -> None:
        self.json_path, self.out = json_path, out
        self.finished: list[Observation] = []
        self.written = 0

    def keep(self, obs: Observation) -> None:
        self.finished.append(obs)
        if self.out:
            from labkit import observation

            try:
                observation.write([obs], self.out)
            except OSError as e:
                raise OutputFailed(msg_cannot_save(self.out, e.strerror or str(e))) from None
            self.written += 1

    def save_json(self, observations: Sequence[Observation] | None = None) -> None:
        """Write ``--json``: the given Observations, else those finished so far."""
        data = [o.to_dict() for o in (self.finished if observations is None else observations)]
        if not self.json_path or not data:
            return
        import json

        text = json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=1)
        try:
            self.json_path.parent.mkdir(parents=True, exist_ok=True)
            self.json_path.write_text(text, encoding="utf-8", errors="backslashreplace")
        except OSError as e:
            raise OutputFailed(msg_cannot_save(self.json_path, e.strerror or str(e))) from None


def run_and_keep(request, keeper: Keeper) -> tuple[list, list]:  # type: ignore[no-untyped-def,type-arg]
    """Execute; whatever happens, the runs that finished are saved."""
    try:
        observations, claims = execute(request, keeper.keep)
    except BaseException:
        keeper.save_json()
        raise
    keeper.save_json(observations)
    return observations, claims


def check_outputs(args: argparse.Namespace) -> None:
    """Every output path of ``run``/``compare`` writable, before anything runs."""
    from labkit import preflight

    if getattr(args, "json", None) is not None:
        preflight.output_file(args.json, "--json")
    if getattr(args, "out", None) is not None:
        preflight.output_folder(args.out, "--out")


def _console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from labkit.show import console

    return console(stderr)


# -- commands -----------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from labkit import catalogue, show

    _console().print(show.lab_table(catalogue.LABS))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from labkit import runner, show
    from labkit.planner import Request
    from labkit.safe_text import escape

    check_outputs(args)
    target = args.target
    common = dict(methods=(args.start_method,), repeats=args.repeat, timeout=args.timeout,
                  jobs=args.jobs, container=args.container)
    if is_script(target):
        if args.variant:
            raise UsageError(_("--variant applies to a lab, not to a script"))
        runner.check_script(Path(target))
        request = Request(scripts=(target,), isolate=args.isolate, cwd=os.getcwd(), **common)
    else:
        if args.isolate:
            raise UsageError(
                _("--isolate applies to a script (a lab always runs in a temp folder)"))
        if target == "all" and args.variant:
            check_variant_somewhere(args.variant)
        request = Request(labs=(target,), variants=(args.variant,) if args.variant else (),
                          **common)
    keeper = Keeper(args.json, args.out)
    observations, claims = run_and_keep(request, keeper)
    out = _console()
    if target != "all":
        for o in observations:
            out.print(show.observation_view(o, full=args.full))
            out.print(show.process_view(o, full=args.full))
    if request.labs:
        from labkit.claims import judge_all

        wanted = {c.id for c in claims}
        verdicts = [v for v in judge_all(observations) if v.claim in wanted]
        if verdicts:
            title = (_("claims of all labs") if target == "all"
                     else _("claims of lab {lab}").format(lab=target))
            out.print(show.verdict_table(verdicts, title=title))
            out.print(show.summary_line(verdicts))
        if args.out:
            out.print(escape(msg_written(keeper.written, args.out)))
        _fail_on(verdicts)
    elif args.out:
        out.print(escape(msg_written(keeper.written, args.out)))
    return 0


def _fail_on(verdicts: list) -> None:  # type: ignore[type-arg]
    """A lab run checks claims, so a failed claim is exit 1 (a plain script never is)."""
    from labkit.claims import Status

    failed = sorted({f"{v.claim}[{v.method}]" for v in verdicts if v.status == Status.FAIL})
    if failed:
        raise ClaimFailed(_("{n} claim verdict(s) failed: {which}").format(
            n=len(failed), which=", ".join(failed)))


def cmd_compare(args: argparse.Namespace) -> int:
    import os

    from labkit import planner, runner, show
    from labkit.planner import Request

    check_outputs(args)
    for p in args.scripts:
        runner.check_script(p)
    # Every method this platform has, and its default as a column of its own.
    request = Request(scripts=tuple(str(p) for p in args.scripts),
                      methods=(planner.ALL, planner.DEFAULT), timeout=args.timeout,
                      jobs=args.jobs, container=args.container, isolate=args.isolate,
                      cwd=os.getcwd())
    observations, _claims = run_and_keep(request, Keeper(args.json, None))
    out = _console()
    shown: list[str] = []
    for o in observations:
        if o.lab not in shown:
            shown.append(o.lab)
            out.print(show.compare_table([x for x in observations if x.lab == o.lab]))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from labkit import show
    from labkit.claims import judge_all
    from labkit.load import load

    verdicts = judge_all(load(args.paths).observations)
    out = _console()
    if not verdicts:  # runs of the user's own scripts: nothing to judge, said so
        out.print(_("no claim reads these Observations: they are runs of scripts, not of "
                    "labs (`labkit list` shows the labs)"))
        return 0
    out.print(show.verdict_table(verdicts))
    out.print(show.summary_line(verdicts))
    _fail_on(verdicts)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from labkit import report
    from labkit.grade import cli as grade_cli

    if grade_cli.report_wanted(args):
        from pathlib import Path

        from labkit import preflight

        # The gradebook's files are checked before any grade is read, as the report's are.
        named = [(f"--{k}", getattr(args, k, None)) for k in ("csv", "md", "html")]
        for option, path in named:
            if path is not None and str(path) != "-":
                preflight.output_file(Path(path), option)
        preflight.distinct_outputs(*[(o, Path(p) if p else None) for o, p in named])
        return grade_cli.cmd_report(args)
    return report.main(args)


def _deferred(name: str) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        if name in GRADE_HELP:
            from labkit.grade.cli import COMMANDS as GRADE_COMMANDS

            return int(GRADE_COMMANDS[name](args))
        return int(importlib.import_module(DEFERRED[name][0]).command(args))

    return command


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": cmd_list,
    "run": cmd_run,
    "compare": cmd_compare,
    "check": cmd_check,
    "report": cmd_report,
    "images": _deferred("images"),
    "bench": _deferred("bench"),
    "soak": _deferred("soak"),
    **{name: _deferred(name) for name in GRADE_HELP},
}


def interrupted_line(exc: BaseException, in_container: bool = False) -> str:
    """One true line: which signal, and whether every process of the runs was ended."""
    from labkit import contain

    left = contain.survivors_so_far()
    if not contain.runs_opened() and not in_container:
        return msg_interrupted_early(interrupts.stop_name(exc))
    if left:
        return msg_interrupted_survivors(interrupts.stop_name(exc), left)
    return msg_interrupted(interrupts.stop_name(exc))


def _say(line: str) -> None:
    """One line on stderr; if even stderr cannot take it, the exit code still tells."""
    try:
        print(f"labkit: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _drop_stdout() -> None:
    """Point fd 1 at the null device, so the interpreter's last flush cannot fail
    again (and print "Exception ignored ... BrokenPipeError")."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


_STDOUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EPIPE, errno.EFBIG,
                  getattr(errno, "EDQUOT", errno.ENOSPC)}


def _language_in(argv: Sequence[str]) -> str | None:
    """The --lang value, read before parsing so help and parse errors use it too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> NoReturn:
    prepare_streams()
    interrupts.install()  # SIGINT, SIGTERM, SIGHUP: one flag, raised once, here
    args = None
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--version"]:  # the answer before anything is built or imported
        print(f"labkit {__version__}")
        sys.exit(0)
    try:
        from labkit import i18n

        early = _language_in(args_list)
        if early in i18n.LANGUAGES:
            i18n.set_language(early)
        args = build_parser(*_commands_in(args_list)).parse_args(args_list)
        # A command's own --lang (grade, predict) has its own dest: keep what it asked.
        i18n.set_language(args.lang or (early if early in i18n.LANGUAGES else None))
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a full or closed stdout shows here, inside the handlers
    except KeyboardInterrupt as exc:
        in_container = bool(getattr(args, "container", None))  # its runs are not ours to count
        err = Interrupted(interrupted_line(exc, in_container))
        _say(str(err))
        code = interrupts.stop_code(exc)
    except LabkitError as err:
        _say(str(err))
        code = err.exit_code
    except BrokenPipeError:  # `labkit list | head -1`: the reader had enough
        _drop_stdout()
        code = EXIT_BROKEN_PIPE
    except OSError as err:
        if err.filename is not None:
            raise  # a file the kit opened: its own message would have said so
        if os.name == "nt" and err.errno == errno.EINVAL:
            _drop_stdout()  # how Windows reports a pipe whose reader is gone
            code = EXIT_BROKEN_PIPE
        elif err.errno in _STDOUT_ERRNOS:
            _drop_stdout()
            failed = OutputFailed(msg_stdout_failed(err.strerror or str(err)))
            _say(str(failed))
            code = failed.exit_code
        else:
            raise
    if argv is None:  # the process's own command (console script, python -m labkit)
        # What is left is the interpreter's teardown, whose last collection walks every
        # object the imports made: ~10-15 ms, a tenth of a short run's own cost. Frozen
        # objects are skipped by it; atexit handlers and the final flush still run.
        import gc

        gc.freeze()
    sys.exit(code)
