"""Text from a run, made safe to show: markup escaped, cells capped.

Everything a script controls (its path, its processes' names, every line it prints)
reaches rich tables through here, so ``[/]x`` or ``[bold]x`` shows as written and an
8 MB line costs no more than its first CELL_LIMIT characters. The JSON keeps
everything; only what a terminal shows is capped.
"""

from __future__ import annotations

from rich.markup import escape as _escape_markup
from rich.text import Text

CELL_LIMIT = 2000  # characters one table cell shows
TITLE_LIMIT = 300


def more_chars(count: int) -> str:
    return f"… ({count} more chars)"


def cap(text: str, limit: int = CELL_LIMIT) -> str:
    """``text``, or its first ``limit`` characters and how many more there were."""
    if len(text) <= limit:
        return text
    return text[:limit] + more_chars(len(text) - limit)


def escape(text: str) -> str:
    """Rich markup escaped: shown literally wherever rich would parse markup."""
    return _escape_markup(text)


def cell(text: str, limit: int = CELL_LIMIT) -> str:
    """A markup-safe, capped string for a table cell or title."""
    return escape(cap(text, limit))


def styled(text: str, style: str = "", limit: int = CELL_LIMIT) -> Text:
    """A capped Text (never parsed as markup) with one style."""
    return Text(cap(text, limit), style=style)
