"""The commands ``grade``, ``predict`` and ``classroom init``: registered on labkit's
parser by ``add_parsers``, run through ``COMMANDS``; ``labkit report`` gets
``--grades`` and ``--predictions`` from ``add_report_arguments``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labkit.errors import ClaimFailed, UsageError
from labkit.grade import _lang
from labkit.i18n import _

_LABELS = {
    "en": {"score": "Score", "hint": "Hint", "evidence": "evidence", "full": "full marks",
           "below": "below full marks", "check": "check", "failed": "What failed",
           "env": "environment"},
    "zh": {"score": "得分", "hint": "提示", "evidence": "证据", "full": "满分",
           "below": "未得满分", "check": "检查", "failed": "未通过的检查",
           "env": "环境"},
}


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    g = sub.add_parser("grade", help=_("grade a student's file for an exercise, every method"))
    g.add_argument("exercise", help=_("exercise id (guard, pool_guard, globals, …)"))
    g.add_argument("file", type=Path, help=_("the student's Python file"))
    g.add_argument("--json", type=Path, help=_("write the grade (points, checks, evidence)"))
    g.add_argument("--junit", type=Path, help=_("write JUnit XML, one testcase per check"))
    g.add_argument("--container", help=_(
        "grade inside the hardened kit image of this CPython (3.14, all; auto: where a "
        "Docker engine answers, else natively)"))
    # own dest: a subparser's default must not overwrite a global --lang
    g.add_argument("--lang", dest="grade_lang", choices=("zh", "en"), help=_("feedback language"))
    g.add_argument("--student", default="", help=_("who this is, recorded in the grade JSON"))

    p = sub.add_parser("predict", help=_("answer a lab's questions, then run it and compare"))
    p.add_argument("lab", help=_("a lab id with questions: 05, 10, 12, 13, 15, 17"))
    p.add_argument("--answers", help=_("answers as JSON (a file or inline), instead of asking"))
    p.add_argument("--student", help=_("who answers (default: $USER)"))
    p.add_argument("--out", type=Path, default=Path("predictions"),
                   help=_("folder for predictions/<lab>.json"))
    p.add_argument("--list", action="store_true", help=_("only print the questions"))
    p.add_argument("--lang", dest="grade_lang", choices=("zh", "en"), help=_("question language"))

    c = sub.add_parser("classroom", help=_("GitHub Classroom: write an assignment template"))
    csub = c.add_subparsers(dest="classroom_command", required=True, metavar="init")
    i = csub.add_parser("init", help=_("write .github/workflows/classroom.yml, README, starters"))
    # --lang after the command words too, as every command takes it (labkit.cli reads it)
    for parser in (c, i):
        parser.add_argument("--lang", dest="grade_lang", choices=("zh", "en"),
                            default=argparse.SUPPRESS, help=_("language of the messages"))
    i.add_argument("dir", type=Path, help=_("the template repository's folder"))
    i.add_argument("--exercises", nargs="+", help=_("exercise ids (default: all)"))
    i.add_argument("--kit", default="labkit",
                   help=_("what `pip install` installs for grading (default: labkit)"))
    i.add_argument("--python", default="3.14", help=_("CPython the runners grade with"))
    i.add_argument("--force", action="store_true", help=_("overwrite existing files"))


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--grades", nargs="+", type=Path, metavar="DIR",
                        help=_("merge grade JSON files under these folders into a gradebook"))
    parser.add_argument("--predictions", type=Path, metavar="DIR",
                        help=_("how a class predicted each question against what was observed"))
    parser.add_argument("--csv", type=Path, metavar="FILE", help=_("gradebook CSV (with --grades)"))


def report_wanted(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "grades", None) or getattr(args, "predictions", None))


def cmd_report(args: argparse.Namespace) -> int:
    from labkit.grade import gradebook

    return gradebook.main(args)


# -- grade ------------------------------------------------------------------------------


def cmd_grade(args: argparse.Namespace) -> int:
    from labkit.grade import exercises, grading

    lang = _lang.choose(args.grade_lang)
    _lang.utf8_stdout()
    _check_outputs(("--json", args.json), ("--junit", args.junit))
    exercise = exercises.load(args.exercise)
    grading.check_file(args.file)
    say = ("评分中：{f} 在每种启动方法和默认方式下运行（每次最多 {t:.0f} 秒）…" if lang == "zh"
           else "grading: {f} under every start method and the default (at most {t:.0f} s each)…")
    print(fit(say.format(f=args.file, t=exercise.timeout)), file=sys.stderr, flush=True)
    g = grading.grade(exercise, args.file, container=args.container, student=args.student)
    if args.json:
        grading.write_json(g, args.json)
    if args.junit:
        grading.write_junit(g, args.junit)
    print(fit(feedback(g, lang)))
    if not g.full_marks:
        raise ClaimFailed(f"{args.exercise}: {g.points}/{g.max_points} "
                          f"({_LABELS[lang]['below']})")
    return 0


def _check_outputs(*named: tuple[str, Path | None]) -> None:
    """Output files writable before the student's code runs (labkit.preflight)."""
    from labkit import preflight

    for option, path in named:
        if path is not None:
            preflight.output_file(path, option)
    preflight.distinct_outputs(*named)


def fit(text: str, width: int | None = None) -> str:
    """``text`` with each line wider than the terminal (else COLUMNS, else 80) wrapped
    between words, its continuation indented four past the line's own indent."""
    from rich.cells import cell_len
    from rich.text import Text

    from labkit.console import console

    con = console()
    width = width or con.width
    out = []
    for line in text.splitlines():
        if cell_len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")) + 4)
        head = Text(line).wrap(con, width)[0].plain.rstrip()
        out.append(head)
        rest = Text(line[len(head):].strip()).wrap(con, width - len(indent))
        out += [indent + x.plain.rstrip() for x in rest]
    return "\n".join(out)


def feedback(g, lang: str) -> str:  # type: ignore[no-untyped-def]
    """A table of check × method, then each failed check with its evidence, the hint."""
    from labkit.grade.grading import STATIC

    t = _LABELS[lang]
    methods = list(dict.fromkeys(c.method for c in g.checks if c.method != STATIC))
    envs = list(dict.fromkeys(c.environment for c in g.checks if c.method != STATIC))
    out = [f"labkit grade {g.exercise}: {g.file}"]
    for env in envs:
        out.append(f"{t['env']} {env}")
        header = f"  {t['check']:<22}" + "".join(f"{m:>12}" for m in methods)
        out.append(header)
        kinds = list(dict.fromkeys(c.check for c in g.checks if c.environment == env))
        for kind in kinds:
            row = f"  {kind:<22}"
            for m in methods:
                c = next((c for c in g.checks
                          if c.check == kind and c.method == m and c.environment == env), None)
                cell = "" if c is None else f"{'✓' if c.passed else '✗'} {c.points}/{c.max_points}"
                row += f"{cell:>12}"
            out.append(row)
    for c in g.checks:
        if c.method == STATIC:
            out.append(f"  {c.check:<22}{'✓' if c.passed else '✗'} {c.points}/{c.max_points} "
                       f"({STATIC})")
    if g.failed:
        out.append("")
        out.append(t["failed"] + ":")
        from labkit.grade.grading import method_order

        for c in sorted(g.failed, key=lambda c: (c.environment, method_order(c.method))):
            if c.voided:
                continue  # its run's start_method line says it used another method
            statement = c.statement_zh if lang == "zh" else c.statement_en
            value, evidence = (c.value_zh, c.evidence_zh) if lang == "zh" else (c.value,
                                                                                c.evidence)
            where = c.method if c.method == STATIC else f"{c.method}, {c.environment}"
            out.append(f"✗ [{where}] {statement}: {value}")
            if evidence:
                out.append(f"    {t['evidence']}: {evidence}")
        out.append("")
        out.append(f"{t['hint']}: {_lang.pick(g.hint, lang)}")
    out.append(f"{t['score']}: {g.points}/{g.max_points}"
               + (f" ({t['full']})" if g.full_marks else ""))
    return "\n".join(out)


# -- predict, classroom -------------------------------------------------------------------


def cmd_predict(args: argparse.Namespace) -> int:
    from labkit import preflight
    from labkit.grade import predict

    if not getattr(args, "list", False):
        preflight.output_folder(args.out, "--out")
    return predict.main(args)


def cmd_classroom(args: argparse.Namespace) -> int:
    from labkit.grade import classroom

    if args.classroom_command != "init":
        raise UsageError(f"unknown classroom command {args.classroom_command!r}")
    return classroom.main(args)


COMMANDS = {
    "grade": cmd_grade,
    "predict": cmd_predict,
    "classroom": cmd_classroom,
}
