"""The student's view: tables at 80 and 120 columns, in Chinese and English, five
outcomes told apart, values in words, tracebacks read as by hand."""

from __future__ import annotations

import dataclasses
import io
import re
import signal
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from labkit import i18n, show
from labkit.claims import Verdict, all_claims, judge_all
from labkit.failures import failures
from labkit.observation import Observation, OutputLine, ProcessRecord
from labkit.report import load

DATA = Path(__file__).parent / "data"
WIDTHS = (80, 120)


@pytest.fixture(scope="module")
def observations() -> list[Observation]:
    return list(load([DATA / "observations-linux-py3.11.zip"]).observations)


def render(renderable, width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, highlight=False).print(renderable)
    return out.getvalue().splitlines()


def assert_fits(lines: list[str], width: int) -> None:
    wide = [(cell_len(x), x) for x in lines if cell_len(x) > width]
    assert not wide, f"{len(wide)} lines wider than {width}: {wide[:3]}"


def one(observations, lab: str, variant: str, method: str) -> Observation:
    return next(o for o in observations if (o.lab, o.variant, o.requested_start_method)
                == (lab, variant, method))


# -- width ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_every_run_view_fits_and_keeps_its_key_words(observations, width, lang):
    i18n.set_language(lang)
    for o in observations:
        lines = render(show.observation_view(o), width) + render(show.process_view(o), width)
        assert_fits(lines, width)
        text = "\n".join(lines)
        assert f"{o.lab} [{o.variant}]" in text  # the title keeps its brackets
        for p in o.processes:
            assert str(p.pid) in text
            if p.exitcode is not None and p.exitcode < 0:  # how it ended, never cut
                assert signal.Signals(-p.exitcode).name in text.replace("\n", "")
    forkserver = one(observations, "02", "base", "forkserver")
    text = "\n".join(render(show.process_view(forkserver), width))
    assert ("fork 服务器" if lang == "zh" else "fork server") in text
    assert ("资源跟踪器" if lang == "zh" else "resource tracker") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_claims_view_fits_and_shows_every_sentence(observations, width, lang):
    i18n.set_language(lang)
    verdicts = judge_all(observations)
    lines = render(show.verdict_table(verdicts, "claims"), width)
    assert_fits(lines, width)
    text = "".join(x.strip() for x in lines)  # sentences may wrap anywhere
    for claim in {v.claim for v in verdicts}:
        statement = i18n.claim_text(claim, "statement")
        assert statement.replace(" ", "") in text.replace(" ", ""), claim


@pytest.mark.parametrize("width", WIDTHS)
def test_the_claims_of_several_environments_fit(width):
    both = list(load(sorted(DATA.glob("observations-*.zip"))).observations)
    verdicts = judge_all(both)
    assert len({v.environment for v in verdicts}) == 2
    lines = render(show.verdict_table(verdicts), width)
    assert_fits(lines, width)
    text = "\n".join(lines)
    for env in {v.environment for v in verdicts}:
        assert env.replace(" ", "") in text.replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_fits(observations, width):
    runs = [o for o in observations if o.lab == "10" and o.variant == "base"]
    lines = render(show.compare_table(runs), width)
    assert_fits(lines, width)
    assert "RuntimeError" in "".join(lines)  # the error row: the exception, not code


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", WIDTHS)
def test_the_lab_list_fits_and_never_splits_an_id(width, lang):
    from labkit import catalogue
    from labkit.claims import by_lab

    i18n.set_language(lang)
    lines = render(show.lab_table(catalogue.LABS), width)
    assert_fits(lines, width)
    words = {w for x in lines for w in x.split()}
    for lab in catalogue.LABS:
        assert {c.id for c in by_lab(lab.id)} <= words  # each id whole on one line
        assert set(lab.scripts()) <= words
    assert catalogue.LABS[1].title_zh[:4] in "".join(lines) if lang == "zh" else True


def test_a_too_wide_line_is_caught():
    # Counter-example for the width check itself: a CJK line counts double.
    with pytest.raises(AssertionError, match="wider than 80"):
        assert_fits(["汉" * 41], 80)
    assert_fits(["汉" * 40], 80)


def test_console_width_follows_columns_when_piped(monkeypatch):
    monkeypatch.setenv("COLUMNS", "93")
    assert show.console().width == 93
    monkeypatch.delenv("COLUMNS")
    assert show.console().width == 80  # not a terminal, no COLUMNS: 80, not 160


# -- outcomes and values -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_five_outcomes_differ_without_colour(lang):
    i18n.set_language(lang)
    claim = all_claims()[0]
    statuses = ["pass", "fail", "race", "not_applicable", "not_run"]
    verdicts = [Verdict(claim.id, m, "env", s, "v", "d")  # type: ignore[arg-type]
                for m, s in zip(("fork", "spawn", "forkserver", "default", "x"), statuses,
                                strict=True)]
    lines = render(show.verdict_table(verdicts), 80)
    marks = []
    for method in ("fork", "spawn", "forkserver", "default", "x"):
        row = next(x for x in lines if x.strip().startswith(method + " "))
        marks.append(row.split(method, 1)[1].split("v")[0].strip())
    assert len(set(marks)) == 5, marks
    assert all(m[0] in "✓✗≈–○" and len(m) > 2 for m in marks), marks  # symbol and word
    summary = show.summary_line(verdicts)
    assert all(show.outcome(s)[1] in summary for s in statuses)


def test_failing_outcomes_say_why_and_passing_ones_do_not():
    claim = next(c for c in all_claims() if c.id == "seed.isolation.n")
    i18n.set_language("zh")
    fail = Verdict(claim.id, "spawn", "", "fail", "child n=['1']", "")  # type: ignore[arg-type]
    ok = Verdict(claim.id, "fork", "", "pass", "child n=['0']", "")  # type: ignore[arg-type]
    text = "\n".join(render(show.verdict_table([fail, ok]), 80))
    why = i18n.claim_text(claim.id, "why", "spawn")
    assert why[:10] in text
    assert i18n.claim_text(claim.id, "why", "fork")[:10] not in text


@pytest.mark.parametrize(("raw", "words"), [
    ("child n=['0'], parent n=['100']", "child n=0, parent n=100"),
    ("orders per run: [True, False, None]", "orders per run: yes, no, none"),
    ("daemon consumers' exit codes [-15, -15, -15]", "daemon consumers' exit codes -15, -15, -15"),
    ("got []", "got none"),
    ("total 3.04 s", "total 3.04 s"),
])
def test_values_are_words_not_reprs(raw, words):
    i18n.set_language("en")
    assert i18n.humanize(raw) == words


def test_every_value_in_the_data_reads_without_reprs(observations):
    i18n.set_language("en")
    for v in judge_all(observations):
        value = i18n.humanize(v.value)
        assert "['" not in value and "None" not in value and "True" not in value, value


# -- tracebacks ----------------------------------------------------------------------------

SCRIPT = "/home/s/labs/10_guard.py"


def _obs(stderr: list[str], exitcode: int = 1, stdout: list[str] = ()) -> Observation:
    lines = [OutputLine(0.1 + i / 1000, 7, "stderr", t) for i, t in enumerate(stderr)]
    lines += [OutputLine(0.5, 1, "stdout", t) for t in stdout]
    procs = (ProcessRecord(1, 0, "MainProcess", "main", exitcode=0),
             ProcessRecord(7, 1, "Process-1", "child", method="spawn", exitcode=exitcode))
    return Observation("10", "base", SCRIPT, "spawn", "spawn", "fork", ("fork", "spawn"), {}, {},
                       0, False, 0.6, tuple(lines), procs, "0")


TRACE = [
    "Traceback (most recent call last):",
    '  File "<string>", line 1, in <module>',
    '  File "/usr/lib/python3.11/multiprocessing/spawn.py", line 122, in spawn_main',
    "    exitcode = _main(fd, parent_sentinel)",
    '  File "/home/s/labs/10_guard.py", line 48, in <module>',
    "    p.start()",
    '  File "/x/src/labkit/_boot/_labkit_tracer.py", line 196, in start',
    "    orig_start(self)",
    '  File "/usr/lib/python3.11/multiprocessing/spawn.py", line 140, in _check_not_importing_main',
    "    raise RuntimeError('''",
    "RuntimeError: ",
    "        An attempt has been made to start a new process before the",
    "        current process has finished its bootstrapping phase.",
    "",
]


def test_a_traceback_becomes_exception_message_and_the_students_line():
    (f,) = failures(_obs(TRACE))
    assert f.pid == 7 and f.exc_type == "RuntimeError"
    assert f.message.startswith("An attempt has been made") and "bootstrapping" in f.message
    assert f.frame is not None and (f.frame.where, f.frame.source) == ("10_guard.py:48",
                                                                       "p.start()")
    assert len(f.lines) == len(TRACE)


def test_the_folded_view_hides_the_frames_and_full_shows_them():
    o = _obs(TRACE, stdout=["main done"])
    folded = "\n".join(render(show.observation_view(o), 80) + render(show.process_view(o), 80))
    assert "RuntimeError" in folded and "10_guard.py:48" in folded and "p.start()" in folded
    assert "_labkit_tracer" not in folded and "spawn_main" not in folded
    assert "--full" in folded
    full = "\n".join(render(show.observation_view(o, full=True), 120))
    assert "spawn_main" in full


def test_a_chained_traceback_reports_the_last_exception():
    chained = ["Traceback (most recent call last):",
               '  File "/home/s/labs/10_guard.py", line 3, in <module>', "    q.get()",
               "_queue.Empty", "", "During handling of the above exception, another "
               "exception occurred:", "", "Traceback (most recent call last):",
               '  File "/home/s/labs/10_guard.py", line 5, in <module>', "    raise KeyError(1)",
               "KeyError: 1"]
    (f,) = failures(_obs(chained))
    assert (f.exc_type, f.message, f.frame.line if f.frame else None) == ("KeyError", "1", 5)


def test_plain_stderr_is_no_failure_and_compare_shows_the_exception_not_code():
    assert failures(_obs(["warning: something", "    indented echo"])) == []
    o = _obs(TRACE)
    echoed = dataclasses.replace(o, output=o.output + (
        OutputLine(0.9, 7, "stderr", "    raise RuntimeError('''"),))
    assert show._last_error(echoed).startswith("RuntimeError: An attempt")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_failed_child_among_helpers_fits_80_with_its_exception_whole(lang):
    # Five-digit pids, full times, a helper row and a child that died of RuntimeError
    # (lab 10 under spawn): the roles' column must not hold width the language does not
    # need, or the last column is cut at 80.
    i18n.set_language(lang)
    o = _obs(TRACE)
    main = dataclasses.replace(o.processes[0], pid=30677, ppid=30605, started_t=0.065,
                               ended_t=0.794, ended_by="run_end")
    child = dataclasses.replace(o.processes[1], pid=30693, ppid=None, parent_pid=30677,
                                ended_t=0.726, ended_by="died")
    helpers = (ProcessRecord(30691, 30677, "", "resource_tracker", started_t=0.327),
               ProcessRecord(30693, 30677, "", "interpreter", started_t=0.354))
    lines = render(show.process_view(dataclasses.replace(
        o, processes=(main, child, *helpers), output=tuple(
            dataclasses.replace(x, pid=30693) for x in o.output))), 80)
    assert_fits(lines, 80)
    assert "1 RuntimeError" in "\n".join(lines)


def test_a_killed_child_says_how_it_ended():
    o = _obs([], exitcode=-15)
    text = "\n".join(render(show.process_view(o), 80))
    assert "SIGTERM" in text


# -- values in the chosen language ----------------------------------------------------------

_ENGLISH = re.compile(r"\b(child|parent|main|runs?|printed|alive|eaten|sold|exit|after|"
                      r"first|later|total|expected|ran|nested|result|timed|sees|never)\b")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_recorded_value_reads_in_chinese(observations):
    from labkit.values import in_words

    i18n.set_language("zh")
    # Said by a template (it has Chinese in it), or has no English words at all.
    left = {v.value: in_words(v.value) for v in judge_all(observations)
            if _ENGLISH.search(in_words(v.value)) and not _CJK.search(in_words(v.value))}
    assert not left, f"values still in English: {list(left.items())[:5]}"


def test_a_value_is_said_by_its_template_and_unknown_ones_stay_readable():
    from labkit.values import in_words

    i18n.set_language("zh")
    assert in_words("child n=['0'], parent n=['100']") == "子进程 n=0，父进程 n=100"
    assert in_words("[spawn] child ran: False, child exit 1, main exit 0") == (
        "[spawn] 子进程运行了：否，子进程退出码 1，主进程退出码 0")
    assert in_words("something new: [1, 2]") == "something new: 1, 2"  # no template
    i18n.set_language("en")
    assert in_words("child n=['0'], parent n=['100']") == "child n=0, parent n=100"


def test_the_same_failure_in_many_processes_is_said_once():
    o = _obs(TRACE)
    twin = [dataclasses.replace(x, pid=8, t=x.t + 0.5) for x in o.output]
    procs = o.processes + (ProcessRecord(8, 1, "Process-2", "child", method="spawn",
                                         exitcode=1),)
    both = dataclasses.replace(o, output=o.output + tuple(twin), processes=procs)
    text = "\n".join(render(show.process_view(both), 120))
    assert text.count("RuntimeError: An attempt") == 1
    assert "Process-1 (7) and 1 more processes" in text
    other = dataclasses.replace(both, output=o.output + tuple(
        dataclasses.replace(x, text=x.text.replace("line 48", "line 50")) for x in twin))
    assert "\n".join(render(show.process_view(other), 120)).count("RuntimeError: An") == 2


def test_english_explanations_are_left_out_in_chinese_but_evidence_stays():
    from labkit.values import is_prose

    assert is_prose("a spawn child cannot boot before main's code ends")
    assert not is_prose("_queue.Empty") and not is_prose("counter = 625 / 800")
    claim = next(c for c in all_claims() if c.id == "seed.daemon.123")
    v = Verdict(claim.id, "spawn", "", "fail", "123 printed in 1/3",  # type: ignore[arg-type]
                "a spawn child cannot boot before main's code ends")
    i18n.set_language("zh")
    zh = "\n".join(render(show.verdict_table([v]), 300))
    assert "cannot boot" not in zh and i18n.claim_text(claim.id, "why", "spawn")[:8] in zh
    i18n.set_language("en")
    assert "cannot boot" in "\n".join(render(show.verdict_table([v]), 300))


def test_a_tutorial_sentence_is_marked_confirmed_refuted_or_platform_dependent():
    from labkit.claims.texts import tutorial_check

    refuted = next(c for c in all_claims() if (t := tutorial_check(c.id)) is not None
                   and t.verdict == "refuted")
    kit = next(c for c in all_claims() if c.source == "kit")
    verdicts = [Verdict(refuted.id, "fork", "", "pass", "v"),  # type: ignore[arg-type]
                Verdict(kit.id, kit.methods[0], "", "pass", "v")]  # type: ignore[arg-type]
    i18n.set_language("zh")
    text = "\n".join(render(show.verdict_table(verdicts), 300))
    assert text.count("教程的说法：") == 1 and "被推翻" in text


def test_names_from_the_script_are_shown_as_written_not_as_markup():
    o = _obs([], exitcode=0)
    named = dataclasses.replace(o, processes=(
        o.processes[0], dataclasses.replace(o.processes[1], name="[bold]x[/bold]")),
        output=(OutputLine(0.2, 7, "stdout", "[red]hi[/red]"),))
    text = "\n".join(render(show.observation_view(named), 120)
                     + render(show.process_view(named), 120))
    assert "[bold]x[/bold]" in text and "[red]hi[/red]" in text


def test_labkit_run_folds_a_traceback_and_full_shows_it(tmp_path):
    import os
    import subprocess
    import sys

    script = Path(__file__).parent / "scripts" / "fails.py"
    env = {**os.environ, "COLUMNS": "80", "LC_ALL": "C.UTF-8"}

    def run(*extra: str) -> str:
        r = subprocess.run([sys.executable, "-m", "labkit", "run", str(script), "-m", "spawn",
                            "--isolate", *extra], capture_output=True, text=True,
                           encoding="utf-8", env=env, timeout=120, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        return r.stdout

    folded, full = run(), run("--full")
    assert "RuntimeError: the script itself fails" in folded
    assert "raised at fails.py:15 in <module>" in folded
    assert "Traceback (most recent call last):" not in folded and "--full" in folded
    assert "Traceback (most recent call last):" in full
    assert max(cell_len(x) for x in folded.splitlines()) <= 80
