"""Which language feedback is in: --lang, else the kit's choice, else LANG/LC_ALL."""

from __future__ import annotations

import os
import sys


def choose(requested: str | None = None) -> str:
    if requested:
        return "zh" if requested.lower().startswith("zh") else "en"
    try:
        from labkit import i18n  # type: ignore[attr-defined]

        return "zh" if i18n.language().startswith("zh") else "en"
    except (ImportError, AttributeError):
        pass
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def pick(text: dict[str, str] | str, lang: str) -> str:
    """The text in ``lang`` from a {"zh": ..., "en": ...} pair (English as fallback)."""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def utf8_stdout() -> None:
    """Feedback has ✓, ✗ and Chinese: where stdout cannot encode them (a Windows runner's
    pipe in cp1252), write UTF-8 instead of failing mid-report."""
    enc = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "✓✗中".encode(enc)
    except (UnicodeEncodeError, LookupError):
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8", errors="replace")
