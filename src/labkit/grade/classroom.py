"""``labkit classroom init DIR``: a GitHub Classroom template repository.

It writes ``.github/workflows/classroom.yml`` (a job per OS: ubuntu, macos, windows;
one step per exercise with Classroom's command grader and the exercise's max score,
then Classroom's reporter; the grade JSONs are kept as an artifact for
``labkit report --grades``), the starters as ``<exercise>.py``, their checks under
``.labkit/exercises/`` (an installed kit grades from there) and a short README for
students."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from labkit.errors import UsageError
from labkit.grade import exercises
from labkit.grade._lang import pick
from labkit.i18n import _

OSES = ("ubuntu-latest", "macos-latest", "windows-latest")
GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
WORKFLOW = Path(".github") / "workflows" / "classroom.yml"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def command(exercise_id: str) -> str:
    file = exercises.file_name(exercise_id)
    return f"labkit grade {exercise_id} {file} --json grades/{exercise_id}.json"


def workflow(chosen: list[exercises.Exercise], kit: str, python: str) -> str:
    steps = []
    for x in chosen:
        minutes = max(1, int(x.timeout * 4 * 3 // 60) + 1)  # four runs, slow runners
        steps.append(f"""      - name: {x.id}
        id: {x.id}
        uses: {GRADER}
        with:
          test-name: {_q(x.id)}
          setup-command: ""
          command: {_q(command(x.id))}
          timeout: {minutes}
          max-score: {x.score}
""")
    env = "".join(f"          {x.id.upper()}_RESULTS: \"${{{{ steps.{x.id}.outputs.result }}}}\"\n"
                  for x in chosen)
    runners = ",".join(x.id for x in chosen)
    oses = ", ".join(OSES)
    return f"""# Grades each exercise under every start method the runner's OS has, on Linux,
# macOS and Windows (written by `labkit classroom init`).
name: Autograding Tests
on:
  push:
  workflow_dispatch:
  repository_dispatch:
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    name: grade (${{{{ matrix.os }}}})
    if: github.actor != 'github-classroom[bot]'
    strategy:
      fail-fast: false
      matrix:
        os: [{oses}]
    runs-on: ${{{{ matrix.os }}}}
    env:
      PYTHONUTF8: "1"  # feedback has ✓ and Chinese; a Windows pipe is cp1252 otherwise
      LABKIT_EXERCISES: {exercises.TEMPLATE_DIR.as_posix()}  # the checks, kept in this repository
    steps:
      - name: Checkout code
        uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: {_q(python)}
      - name: Install labkit
        run: python -m pip install {_q(kit)}
{"".join(steps)}      - name: Autograding Reporter
        uses: {REPORTER}
        env:
{env}        with:
          runners: {runners}
      - name: Keep the grades
        if: always()
        uses: actions/upload-artifact@v6
        with:
          name: grades-${{{{ matrix.os }}}}
          path: grades/
          if-no-files-found: ignore
"""


def readme(chosen: list[exercises.Exercise]) -> str:
    rows = "\n".join(f"| `{x.file_name}` | {pick(x.title, 'zh')} / {pick(x.title, 'en')} | "
                     f"`{command(x.id)}` |" for x in chosen)
    return f"""# 多进程练习 / Multiprocessing exercises

每个文件是一个有错误的程序：在一种启动方法下能运行，在另一种下出错。读文件开头的说明
（任务、完成标准、提示），修改程序，让它在 **fork、spawn、forkserver 和平台默认方式下都
正确**。不要改变启动方法（`set_start_method`、`get_context`）：评分会看到每个进程真正的
启动方法。

Each file is a broken program: it works under one start method and fails under another.
Read the header of the file (task, what "done" means, a hint), fix the program so that it
is **correct under fork, spawn, forkserver and the platform default**. Do not change the
start method (`set_start_method`, `get_context`): the grader sees the method that really
started each process.

| file | exercise | grade it yourself |
|---|---|---|
{rows}

`pip install labkit` once, then run the command of an exercise in this folder (the checks
are in `.labkit/exercises/`; do not edit them): it prints a table
(check × start method), what failed with its evidence, the hint and your score, and exits
0 only at full marks. `--lang zh` 中文反馈。 Every push is graded on Linux, macOS and
Windows (the Actions tab); Windows and macOS have no `fork`, so a fix must not depend on it.
"""


def main(args: argparse.Namespace) -> int:
    ids = args.exercises or exercises.ids()
    chosen = [exercises.load(i) for i in dict.fromkeys(ids)]
    target: Path = args.dir
    if target.exists() and not target.is_dir():
        raise UsageError(_("{path} is not a folder").format(path=target))
    files = {WORKFLOW: workflow(chosen, args.kit, args.python), Path("README.md"): readme(chosen)}
    starters = {Path(x.file_name): x.starter for x in chosen}
    # the checks travel with the template: an installed kit grades from them
    starters.update({exercises.TEMPLATE_DIR / x.id / "exercise.toml": x.directory / "exercise.toml"
                     for x in chosen})
    existing = [p for p in (*files, *starters) if (target / p).exists()]
    if existing and not args.force:
        raise UsageError(_("{path} exists (use --force to overwrite)").format(
            path=target / existing[0]))
    for rel, text in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(text, encoding="utf-8")
    for rel, src in starters.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target / rel)
    from labkit.grade.cli import fit

    print(fit(_("wrote {workflow}, {readme}, {n} starter(s) and their checks ({checks}) in "
                "{folder}").format(workflow=target / WORKFLOW, readme=target / "README.md",
                                   n=len(chosen), checks=exercises.TEMPLATE_DIR.as_posix(),
                                   folder=target)))
    return 0
