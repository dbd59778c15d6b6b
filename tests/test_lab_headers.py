"""Every lab's header speaks both languages, Chinese first, in the zh-cn docs' terms."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LABS = sorted((Path(__file__).parent.parent / "labs").glob("*.py"))
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")
SECTIONS = ("运行前先预测 / Predict before running:", "各启动方法的区别 / What differs")


def _section(doc: str, title: str) -> list[str]:
    """The indented body lines under a section title ([] when it is missing)."""
    lines = doc.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith(title)), None)
    if start is None:
        return []
    body = []
    for ln in lines[start + 1:]:
        if ln and not ln.startswith(" "):
            break
        if ln.strip():
            body.append(ln.strip())
    return body


def problems(doc: str) -> list[str]:
    found = []
    if not CJK.search(doc.splitlines()[0] if doc else ""):
        found.append("the title does not start in Chinese")
    for name in SECTIONS:
        body = _section(doc, name)
        if not body:
            found.append(f"no section {name!r}")
            continue
        if not CJK.search(body[0]):
            found.append(f"{name!r} does not start in Chinese")
        if not any(len(ENGLISH_WORD.findall(ln)) >= 4 for ln in body):
            found.append(f"{name!r} has no English")
    if "启动方式" in doc:
        found.append("the zh-cn docs say 启动方法, not 启动方式")
    if "中文简述" in doc:
        found.append("a Chinese summary instead of the full text")
    return found


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_header_is_bilingual_chinese_first(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert doc, f"{path.name} has no header"
    assert problems(doc) == [], path.name


GOOD = """01 开启进程 / Starting a process

运行前先预测 / Predict before running:
    哪一行先出现？
    Which line comes first, the parent's or the child's?

各启动方法的区别 / What differs between the start methods:
    spawn 可靠。
    spawn is reliable, fork is a race.
"""


@pytest.mark.parametrize(("broken", "problem"), [
    (GOOD.replace("    哪一行先出现？\n", ""), "does not start in Chinese"),
    (GOOD.replace("    spawn is reliable, fork is a race.\n", ""), "has no English"),
    (GOOD.replace("各启动方法的区别", "fork / spawn 的区别"), "no section"),
    (GOOD.replace("spawn 可靠", "spawn 启动方式可靠"), "启动方法"),
])
def test_a_broken_header_is_caught(broken: str, problem: str) -> None:
    assert problems(GOOD) == []
    assert any(problem in p for p in problems(broken)), problems(broken)
