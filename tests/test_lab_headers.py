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


def _header(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert doc, f"{path.name} has no header"
    return doc


def _section(doc: str, title: str) -> list[str]:
    """The indented body lines under a section title."""
    lines = doc.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(title))
    body = []
    for ln in lines[start + 1:]:
        if ln and not ln.startswith(" "):
            break
        if ln.strip():
            body.append(ln.strip())
    return body


@pytest.mark.parametrize("path", LABS, ids=[p.name for p in LABS])
def test_header_is_bilingual_chinese_first(path: Path) -> None:
    doc = _header(path)
    assert CJK.search(doc.splitlines()[0]), "the title starts in Chinese"
    for name in SECTIONS:
        body = _section(doc, name)
        assert body, (path.name, name)
        assert CJK.search(body[0]), f"{path.name}: {name!r} does not start in Chinese"
        assert any(len(ENGLISH_WORD.findall(ln)) >= 4 for ln in body), (
            f"{path.name}: {name!r} has no English")
    assert "启动方式" not in doc, "the zh-cn docs say 启动方法"
    assert "中文简述" not in doc, "the full text in both languages, not a summary"


def test_a_header_without_chinese_fails() -> None:
    english_only = "x\n\n运行前先预测 / Predict before running:\n    Which line comes first?\n"
    with pytest.raises(AssertionError):
        assert CJK.search(_section(english_only, SECTIONS[0])[0])
