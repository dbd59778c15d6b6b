"""Predict, then run: questions stored with the labs, answers saved before the run,
predicted against observed per start method, and the class view in the report."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from labkit import catalogue, runner
from labkit.errors import UsageError
from labkit.grade import predict

LABKIT = [sys.executable, "-m", "labkit"]
LABS_WITH_QUESTIONS = predict.labs_with_questions()


def labkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LABKIT, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=300, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("lab_id", LABS_WITH_QUESTIONS)
def test_questions_are_bilingual_and_can_come_true(lab_id: str) -> None:
    lab, questions = predict.load(lab_id)
    assert questions
    for q in questions:
        assert q.ask.get("zh") and q.ask.get("en") and q.explain.get("zh") and q.explain.get("en")
        if q.target:  # the line asked about is one the lab's script can print
            source = lab.path(q.variant).read_text(encoding="utf-8")
            assert q.target.split()[0].strip("'") in source, (q.id, q.target)


def test_a_malformed_question_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    labs = tmp_path / "labs"
    (labs / "questions").mkdir(parents=True)
    for f in catalogue.labs_dir().glob("*.py"):
        (labs / f.name).write_text("", encoding="utf-8")
    (labs / "questions" / "12.toml").write_text(
        '[[question]]\nid = "q"\nvariant = "nope"\nask = {en = "?", zh = "？"}\n'
        'explain = {en = ".", zh = "。"}\nobserve = {line = "x"}\n', encoding="utf-8")
    monkeypatch.setenv("LABKIT_LABS", str(labs))
    with pytest.raises(UsageError, match="malformed"):
        predict.load("12")


def test_answers_from_json_and_their_mistakes() -> None:
    _, questions = predict.load("12")
    methods = ("fork", "spawn")
    got = predict.parse_answers('{"child_sees_main_value": {"fork": "a", "spawn": "never"}}',
                                questions, methods)
    assert got == {"child_sees_main_value": {"fork": "always", "spawn": "never"}}
    assert predict.parse_answers('{"child_sees_main_value": "sometimes"}', questions,
                                 methods)["child_sees_main_value"]["spawn"] == "sometimes"
    for bad, says in [('{"nope": "always"}', "unknown question"), ("{}", "no answer"),
                      ('{"child_sees_main_value": "maybe"}', "answer always"), ("[", "not JSON")]:
        with pytest.raises(UsageError, match=says):
            predict.parse_answers(bad, questions, methods)


def test_interactive_answers_ask_again_until_valid(capsys: pytest.CaptureFixture[str]) -> None:
    _, questions = predict.load("12")
    replies = iter(["maybe", "a", "从不"])
    got = predict.ask(questions, ("fork", "spawn"), "zh", read=lambda prompt: next(replies))
    assert got == {"child_sees_main_value": {"fork": "always", "spawn": "never"}}
    assert "子进程" in capsys.readouterr().out

    def closed(prompt: str) -> str:
        raise EOFError

    with pytest.raises(UsageError, match="--answers"):
        predict.ask(questions, ("fork",), "en", read=closed)


def test_the_prediction_is_saved_before_the_run(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    seen_before_run = []

    def fake_run(lab, questions, methods):  # type: ignore[no-untyped-def]
        saved = json.loads((tmp_path / "12_globals.json").read_text(encoding="utf-8"))
        seen_before_run.append(saved)
        return []

    monkeypatch.setattr(predict, "run_lab", fake_run)
    args = argparse.Namespace(lab="12", answers='{"child_sees_main_value": "always"}',
                              student="ann", out=tmp_path, list=False, grade_lang="en")
    assert predict.main(args) == 0
    assert seen_before_run and "observed" not in seen_before_run[0]
    assert seen_before_run[0]["answers"]["child_sees_main_value"]


@pytest.mark.skipif(not {"fork", "spawn"} <= set(runner.available_methods()),
                    reason="the observation compared needs both fork and spawn")
def test_predict_runs_the_lab_and_compares(tmp_path: Path) -> None:
    r = labkit("predict", "12", "--answers", '{"child_sees_main_value": "always"}',
               "--out", str(tmp_path), "--student", "ann", "--lang", "en")
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "12_globals.json").read_text(encoding="utf-8"))
    assert data["schema"] == predict.SCHEMA and data["student"] == "ann"
    observed = data["observed"]["child_sees_main_value"]
    assert observed["fork"] == "always" and observed["spawn"] == "never"
    assert "✓" in r.stdout and "✗" in r.stdout and "why:" in r.stdout


def test_predict_bad_input_exit_2() -> None:
    r = labkit("predict", "03")
    assert r.returncode == 2 and "has no questions" in r.stderr
    r = labkit("predict", "12")  # no terminal, no --answers
    assert r.returncode == 2 and "--answers" in r.stderr


def test_report_predictions_counts_the_class(tmp_path: Path) -> None:
    for name, answer in (("a", "always"), ("b", "never"), ("c", "never")):
        (tmp_path / f"{name}.json").write_text(json.dumps({
            "schema": predict.SCHEMA, "lab": "12", "student": name,
            "questions": {"q": {"en": "Does it?", "zh": "会吗？"}},
            "answers": {"q": {"spawn": answer}},
            "observed": {"q": {"spawn": "never"}},
        }), encoding="utf-8")
    r = labkit("report", "--predictions", str(tmp_path), "--lang", "en")
    assert r.returncode == 0, r.stderr
    assert "| spawn | 1 | 0 | 2 | never | 2/3 |" in r.stdout and "Does it?" in r.stdout
    zh = labkit("report", "--predictions", str(tmp_path), "--lang", "zh")
    assert "| spawn | 1 | 0 | 2 | 从不 | 2/3 |" in zh.stdout and "会吗？" in zh.stdout
    assert "# 全班的预测" in zh.stdout and "Predictions" not in zh.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    r = labkit("report", "--predictions", str(empty))
    assert r.returncode == 2 and "no prediction files" in r.stderr


def test_the_help_names_every_lab_with_questions() -> None:
    r = labkit("predict", "--help")
    assert r.returncode == 0
    for lab_id in LABS_WITH_QUESTIONS:
        assert lab_id in r.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_comparison_fits_80_columns_in_either_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        lang: str) -> None:
    from rich.cells import cell_len

    from labkit.report import load

    saved = load([Path(__file__).parent / "data" / "observations-linux-py3.11.zip"])
    runs = [o for o in saved.observations if o.lab == "12"]
    monkeypatch.setattr(predict, "run_lab", lambda lab, questions, methods: runs)
    monkeypatch.setenv("COLUMNS", "80")
    args = argparse.Namespace(lab="12", answers='{"child_sees_main_value": "always"}',
                              student="ann", out=tmp_path, list=False, grade_lang=lang)
    assert predict.main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(cell_len(x) for x in lines) <= 80, lines
    text = "\n".join(lines)
    assert ("(1 次运行)" in text and "run)" not in text) if lang == "zh" else "(1 run)" in text


@pytest.mark.parametrize("answers", ["x", "[1]", '{"zz": 1}', '{"child_sees_main_value": "?"}'])
def test_wrong_answers_are_said_in_chinese_under_zh(answers: str) -> None:
    import re

    from labkit import i18n

    _, questions = predict.load("12")
    i18n.set_language("zh")
    try:
        with pytest.raises(UsageError) as said:
            predict.parse_answers(answers, questions, ("fork", "spawn"))
    finally:
        i18n.set_language("en")
    assert re.search(r"[\u4e00-\u9fff]", str(said.value)), str(said.value)
