"""Predict, then run: a lab's questions (``labs/questions/<lab>.toml``, zh/en) are
answered per start method and saved to ``predictions/<lab>.json`` before the lab runs;
then the lab runs and each prediction is set beside what was observed, with the
explanation. Answers are always / sometimes / never: across the lab's repeats,
how often the observed thing happened."""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit import catalogue, runner
from labkit.errors import UsageError
from labkit.grade import _lang
from labkit.grade.cli import fit
from labkit.i18n import _
from labkit.observation import Observation

SCHEMA = "labkit.predictions/1"
ANSWERS = ("always", "sometimes", "never")
_WORDS = {
    "zh": {"always": "总是", "sometimes": "有时", "never": "从不"},
    "en": {"always": "always", "sometimes": "sometimes", "never": "never"},
}
_SHORT = {"a": "always", "s": "sometimes", "n": "never",
          "总是": "always", "有时": "sometimes", "从不": "never"}
_UI = {
    "en": {"prompt": "[a]lways / [s]ometimes / [n]ever", "under": "under",
           "saved": "predictions saved to", "predicted": "predicted", "observed": "observed",
           "why": "why", "right": "right", "run": "{n} run", "runs": "{n} runs"},
    "zh": {"prompt": "[a] 总是 / [s] 有时 / [n] 从不", "under": "启动方法",
           "saved": "预测已保存到", "predicted": "预测", "observed": "观察",
           "why": "解释", "right": "答对", "run": "{n} 次运行", "runs": "{n} 次运行"},
}
OBSERVE_KINDS = ("line", "printed", "ends")


@dataclass(frozen=True)
class Question:
    id: str
    lab: str
    variant: str
    ask: dict[str, str]
    explain: dict[str, str]
    observe: str  # one of OBSERVE_KINDS
    target: str  # the line (line, printed); empty for ends

    def happened(self, o: Observation) -> bool:
        if self.observe == "ends":
            return not o.timed_out
        texts = o.texts("stdout")
        if self.observe == "line":
            return any(t.strip() == self.target for t in texts)
        return any(self.target in t for t in texts)


def questions_dir() -> Path:
    return catalogue.labs_dir() / "questions"


def labs_with_questions() -> list[str]:
    return sorted(p.stem for p in questions_dir().glob("*.toml"))


def load(lab_ident: str) -> tuple[catalogue.Lab, list[Question]]:
    lab = catalogue.find(lab_ident)
    path = questions_dir() / f"{lab.id}.toml"
    if not path.is_file():
        raise UsageError(_("lab {lab} has no questions; labs with questions: {labs}").format(
            lab=lab.id, labs=", ".join(labs_with_questions())))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    questions = []
    for q in data.get("question", []):
        kinds = [k for k in OBSERVE_KINDS if k in q.get("observe", {})]
        if len(kinds) != 1 or q.get("variant", "base") not in lab.scripts():
            raise UsageError(f"{path}: question {q.get('id')!r} is malformed")
        target = q["observe"][kinds[0]]
        questions.append(Question(id=q["id"], lab=lab.id, variant=q.get("variant", "base"),
                                  ask=q["ask"], explain=q["explain"], observe=kinds[0],
                                  target="" if kinds[0] == "ends" else str(target)))
    return lab, questions


def observed(q: Question, runs: Sequence[Observation]) -> str:
    hits = sum(q.happened(o) for o in runs)
    return "always" if hits == len(runs) else "never" if hits == 0 else "sometimes"


# -- answers -------------------------------------------------------------------------------


def _answer(raw: str) -> str | None:
    raw = raw.strip().lower()
    return raw if raw in ANSWERS else _SHORT.get(raw)


def ask(questions: Sequence[Question], methods: Sequence[str], lang: str,
        read: Callable[[str], str] = input) -> dict[str, dict[str, str]]:
    """Ask each question under each method on the terminal until the answer is valid."""
    answers: dict[str, dict[str, str]] = {}
    ui = _UI[lang]
    for q in questions:
        print(_lang.pick(q.ask, lang))
        for m in methods:
            while True:
                try:
                    got = _answer(read(f"  {ui['under']} {m}? {ui['prompt']}: "))
                except EOFError:
                    raise UsageError(_("no answer on standard input: give them with "
                                       "--answers")) from None
                if got:
                    answers.setdefault(q.id, {})[m] = got
                    break
    return answers


def parse_answers(text: str, questions: Sequence[Question],
                  methods: Sequence[str]) -> dict[str, dict[str, str]]:
    """``--answers``: JSON (inline or a file) {question: answer | {method: answer}}."""
    path = Path(text)
    try:
        raw = json.loads(path.read_text(encoding="utf-8") if path.is_file() else text)
    except (ValueError, OSError) as exc:
        raise UsageError(_("--answers is not JSON or a JSON file ({why})").format(
            why=exc)) from None
    if not isinstance(raw, dict):
        raise UsageError(_("--answers must be a JSON object: {example}").format(
            example="{question: answer}"))
    known = {q.id for q in questions}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise UsageError(_("--answers: unknown question(s) {unknown}: {known}").format(
            unknown=", ".join(unknown), known=", ".join(sorted(known))))
    answers: dict[str, dict[str, str]] = {}
    for q in questions:
        given = raw.get(q.id)
        if given is None:
            raise UsageError(_("--answers: no answer to {question}").format(question=q.id))
        per = given if isinstance(given, dict) else {m: given for m in methods}
        for m in methods:
            got = _answer(str(per.get(m, "")))
            if got is None:
                raise UsageError(_("--answers: {question} under {method}: answer always, "
                                   "sometimes or never").format(question=q.id, method=m))
            answers.setdefault(q.id, {})[m] = got
    return answers


# -- the run and the comparison ------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    question: str
    method: str
    predicted: str
    observed: str
    runs: int

    @property
    def right(self) -> bool:
        return self.predicted == self.observed


def run_lab(lab: catalogue.Lab, questions: Sequence[Question],
            methods: tuple[str, ...]) -> list[Observation]:
    from labkit import planner
    from labkit.platforms.native import NativePlatform

    variants = tuple(dict.fromkeys(q.variant for q in questions))
    p = planner.plan(planner.Request(labs=(lab.id,), methods=methods, variants=variants),
                     runner.available_methods(), planner.native_default_method())
    return NativePlatform(jobs=p.jobs).run(list(p.specs))


def compare(questions: Sequence[Question], answers: dict[str, dict[str, str]],
            observations: Sequence[Observation]) -> list[Row]:
    rows = []
    for q in questions:
        for m, predicted in answers[q.id].items():
            runs = [o for o in observations
                    if o.variant == q.variant and o.requested_start_method == m]
            if runs:
                rows.append(Row(q.id, m, predicted, observed(q, runs), len(runs)))
    return rows


def record(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def main(args: argparse.Namespace) -> int:
    lang = _lang.choose(args.grade_lang)
    _lang.utf8_stdout()
    lab, questions = load(args.lab)
    methods = tuple(runner.available_methods())
    if args.list:
        for q in questions:
            print(fit(f"{q.id}: {_lang.pick(q.ask, lang)}"))
        return 0
    answers = (parse_answers(args.answers, questions, methods) if args.answers
               else ask(questions, methods, lang))
    path = args.out / f"{Path(lab.script).stem}.json"
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "lab": lab.id,
        "student": args.student or getpass.getuser(),
        "answered_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "questions": {q.id: q.ask for q in questions},
        "answers": answers,
    }
    record(path, data)  # before the run: the prediction cannot follow the result
    ui = _UI[lang]
    print(fit(f"{ui['saved']} {path}"))
    observations = run_lab(lab, questions, methods)
    rows = compare(questions, answers, observations)
    seen: dict[str, dict[str, str]] = {}
    for r in rows:
        seen.setdefault(r.question, {})[r.method] = r.observed
    data["observed"] = seen
    data["environment"] = observations[0].environment if observations else ""
    record(path, data)
    words = _WORDS[lang]
    for q in questions:
        print()
        print(fit(_lang.pick(q.ask, lang)))
        print(f"  {'':<12}{ui['predicted']:>12}{ui['observed']:>12}")
        for r in (r for r in rows if r.question == q.id):
            mark = "✓" if r.right else "✗"
            runs = ui["run" if r.runs == 1 else "runs"].format(n=r.runs)
            print(f"  {r.method:<12}{words[r.predicted]:>12}{words[r.observed]:>12}  {mark}"
                  f"  ({runs})")
        print(fit(f"  {ui['why']}: {_lang.pick(q.explain, lang)}"))
    right = sum(r.right for r in rows)
    print(f"\n{ui['right']}: {right}/{len(rows)}")
    return 0
