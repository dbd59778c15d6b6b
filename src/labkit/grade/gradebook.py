"""``labkit report --grades DIR...`` merges many students' grade JSON into one
gradebook (CSV + HTML); ``labkit report --predictions DIR`` shows, per question and
start method, how a class answered against what was observed."""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import UsageError
from labkit.grade import grading, predict
from labkit.i18n import _


@dataclass(frozen=True)
class Entry:
    student: str
    grade: grading.Grade


def _json_files(directory: Path) -> Iterable[Path]:
    if not directory.exists():
        raise UsageError(_("no such file or folder: {path}").format(path=directory))
    if directory.is_file():
        yield directory
        return
    yield from sorted(p for p in directory.rglob("*.json") if p.is_file())


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def student_of(path: Path, root: Path, g: grading.Grade) -> str:
    """The grade's own ``student``, else the first folder below ``root``, else the file's
    name up to its first dot (alice.guard.json → alice)."""
    if g.student:
        return g.student
    if root.is_dir():
        rel = path.relative_to(root)
        if len(rel.parts) > 1:
            return rel.parts[0]
    return path.name.split(".")[0]


def collect(dirs: Sequence[Path]) -> list[Entry]:
    latest: dict[tuple[str, str], Entry] = {}
    for root in dirs:
        for path in _json_files(root):
            data = _read(path)
            if not data or data.get("schema") != grading.SCHEMA:
                continue
            g = grading.load_json(path)
            e = Entry(student_of(path, root, g), g)
            key = (e.student, g.exercise)
            if key not in latest or g.graded_at >= latest[key].grade.graded_at:
                latest[key] = e  # graded again: the latest counts
    if not latest:
        raise UsageError(_("no grade files found in {paths}").format(
            paths=", ".join(map(str, dirs))))
    return sorted(latest.values(), key=lambda e: (e.student, e.grade.exercise))


def table(entries: Sequence[Entry]) -> tuple[list[str], list[list[str]]]:
    exercises = sorted({e.grade.exercise for e in entries})
    students = sorted({e.student for e in entries})
    by = {(e.student, e.grade.exercise): e.grade for e in entries}
    header = ["student", *exercises, "total", "max", "full_marks"]
    rows = []
    for s in students:
        cells, total, most, full = [], 0, 0, 0
        for x in exercises:
            g = by.get((s, x))
            cells.append(f"{g.points}/{g.max_points}" if g else "")
            if g:
                total, most, full = total + g.points, most + g.max_points, full + g.full_marks
        rows.append([s, *cells, str(total), str(most), f"{full}/{len(exercises)}"])
    return header, rows


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def to_html(header: list[str], rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        cls = ""
        if "/" in text and text.split("/")[0].isdigit():
            got, most = text.split("/")
            cls = " class=full" if got == most and most != "0" else " class=part"
        return f"<td{cls}>{html.escape(text)}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(cell(c) for c in r) + "</tr>" for r in rows)
    return ("<!doctype html><html><head><meta charset=utf-8><title>labkit gradebook</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
            ".full{background:#dfd}.part{background:#fdd}</style></head><body>"
            f"<h1>{html.escape(_('labkit gradebook'))}</h1>"
            f"<p>{html.escape(_('{n} students').format(n=len(rows)))}</p>"
            f"<table><tr>{head}</tr>\n{body}</table></body></html>\n")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(_("cannot write {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from None


# -- predictions ----------------------------------------------------------------------------


def class_predictions(directory: Path) -> str:
    """Markdown: per lab, question and method, the class's answers and the observation."""
    from labkit.grade import _lang

    lang = _lang.choose()
    answers: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    seen: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    asked: dict[tuple[str, str], str] = {}
    files = 0
    for path in _json_files(directory):
        data = _read(path)
        if not data or data.get("schema") != predict.SCHEMA:
            continue
        files += 1
        lab = str(data.get("lab"))
        for q, per in data.get("answers", {}).items():
            asked[(lab, q)] = _lang.pick(data.get("questions", {}).get(q, {}), lang) or q
            for m, a in per.items():
                answers[(lab, q, m)][a] += 1
        for q, per in data.get("observed", {}).items():
            for m, o in per.items():
                seen[(lab, q, m)][o] += 1
    if not files:
        raise UsageError(_("no prediction files found in {path}").format(path=directory))
    words = predict._WORDS[lang]
    out = [_("# Predictions of the class ({n} file(s))").format(n=files), ""]
    for lab, q in sorted(asked):
        out += [_("## lab {lab} · {question}").format(lab=lab, question=q), "",
                asked[(lab, q)], "",
                "| " + " | ".join([_("method"), words["always"], words["sometimes"],
                                   words["never"], _("observed"), _("predicted right")]) + " |",
                "|---|---|---|---|---|---|"]
        for (lb, qq, m), counts in sorted(answers.items()):
            if (lb, qq) != (lab, q):
                continue
            obs = seen.get((lab, q, m), Counter())
            truth = obs.most_common(1)[0][0] if obs else "not observed"
            said = words.get(truth) or _("not observed")
            n = sum(counts.values())
            right = counts.get(truth, 0)
            out.append(f"| {m} | {counts['always']} | {counts['sometimes']} | {counts['never']} "
                       f"| {said} | {right}/{n} |")
        out.append("")
    return "\n".join(out)


def main(args: argparse.Namespace) -> int:
    if getattr(args, "predictions", None):
        text = class_predictions(args.predictions)
        md = getattr(args, "md", None)
        if md and md != "-":
            _write(Path(md), text)
            print(_("wrote {path}").format(path=md))
        else:
            sys.stdout.write(text)
    if getattr(args, "grades", None):
        header, rows = table(collect(args.grades))
        csv_path = args.csv or Path("gradebook.csv")
        html_path = Path(args.html) if getattr(args, "html", None) else Path("gradebook.html")
        _write(csv_path, to_csv(header, rows))
        _write(html_path, to_html(header, rows))
        from labkit.grade.cli import fit

        print(fit(_("wrote {csv} and {html}: {students} student(s), {exercises} "
                    "exercise(s)").format(csv=csv_path, html=html_path, students=len(rows),
                                          exercises=len(header) - 4)))
    return 0
