"""Two languages, one source of truth: gettext ``.po`` catalogs read at run time.

``_(msgid)`` translates into the chosen language; ``set_language("zh" | "en")`` chooses
it (the CLI's ``--lang``); without a choice the locale decides: the first of ``LC_ALL``,
``LC_MESSAGES``, ``LANG`` that is set, ``zh*`` meaning Chinese, anything else English.

Each language folder ``locale/<lang>/LC_MESSAGES/`` holds two catalogs, read as one:

- ``labkit.po``: interface strings; the msgid is the English text, so only the
  Chinese catalog needs them.
- ``claims.po``: what each claim says, keyed by claim id, in both languages:
  ``claim:<id>:statement`` (the checkable sentence), ``claim:<id>:quote`` (the
  tutorial's sentence it checks; kit claims have none) and ``claim:<id>:why:<method>``
  (one line: why the outcome under that start method is what it is). A test fails
  when a claim lacks any of them in either language.

Why the ``.po`` is parsed here rather than compiled to ``.mo``: the catalog stays the
one file people edit, nothing generated can drift from it, no build step is needed
inside a bare container, and the reader is short. Stdlib-only (claims use it too).
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOMAIN = "labkit"
LANGUAGES = ("en", "zh")
CATALOG_DIRS = {"zh": "zh_CN", "en": "en"}  # language -> folder under locale/
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None


@dataclass(frozen=True)
class Entry:
    """One message of a catalog."""

    msgid: str
    msgstr: str
    plural: str = ""  # msgid_plural, when the entry has plural forms
    forms: tuple[str, ...] = ()  # msgstr[0], msgstr[1], ...
    fuzzy: bool = False
    line: int = 0


def locale_dir() -> Path:
    return Path(__file__).resolve().parent / "locale"


def catalog_path(lang: str, domain: str = DOMAIN) -> Path:
    return locale_dir() / CATALOG_DIRS[lang] / "LC_MESSAGES" / f"{domain}.po"


def catalog_paths(lang: str) -> list[Path]:
    """Every catalog of a language (labkit.po, claims.po), read as one."""
    return sorted((locale_dir() / CATALOG_DIRS[lang] / "LC_MESSAGES").glob("*.po"))


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(.)")


def _unquote(token: str, path: Path, line: int) -> str:
    """A PO string's value: its C escapes (\\n, \\t, \\", \\\\) resolved."""
    token = token.strip()
    if not (len(token) >= 2 and token[0] == token[-1] == '"') or re.search(
            r'(?<!\\)(\\\\)*"', token[1:-1]):
        raise ValueError(f"{path}:{line}: expected a quoted string, got {token!r}")

    def one(m: re.Match[str]) -> str:
        if m.group(1) not in _ESCAPES:
            raise ValueError(f"{path}:{line}: unknown escape \\{m.group(1)}")
        return _ESCAPES[m.group(1)]

    return _ESCAPE.sub(one, token[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a ``.po`` file (header excluded), obsolete ``#~`` ones skipped."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    current: str | None = None
    fuzzy = False
    start = 0

    def flush() -> None:
        nonlocal fields, fuzzy, current
        if "msgid" in fields:
            forms = tuple(fields[k] for k in sorted(
                (k for k in fields if k.startswith("msgstr[")),
                key=lambda k: int(k[7:-1])))
            entry = Entry(fields["msgid"], fields.get("msgstr", forms[0] if forms else ""),
                          fields.get("msgid_plural", ""), forms, fuzzy, start)
            if entry.msgid:  # the header is the entry with an empty msgid
                entries.append(entry)
        fields, fuzzy, current = {}, False, None

    text = path.read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), 1):
        ln = raw.strip()
        if not ln:
            flush()
            continue
        if ln.startswith("#"):
            if ln.startswith("#,") and "fuzzy" in ln:
                if "msgid" in fields:
                    flush()
                fuzzy = True
            continue
        if ln.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{number}: a continuation line outside an entry")
            fields[current] += _unquote(ln, path, number)
            continue
        keyword, _sep, rest = ln.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            flush()
        if keyword not in ("msgctxt", "msgid", "msgid_plural", "msgstr") and not (
            keyword.startswith("msgstr[") and keyword.endswith("]")
        ):
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
        if keyword in ("msgctxt", "msgid") and not fields:
            start = number
        current = keyword
        fields[keyword] = _unquote(rest, path, number)
    flush()
    return entries


class PoTranslations(gettext.NullTranslations):
    """A gettext translation object over the entries of one ``.po`` file."""

    def __init__(self, entries: list[Entry], lang: str,
                 fallback: gettext.NullTranslations | None = None) -> None:
        super().__init__()
        self.lang = lang
        self._next: gettext.NullTranslations | None = None
        self._singular: dict[str, str] = {}
        self._plural: dict[str, tuple[str, ...]] = {}
        for e in entries:
            if e.fuzzy:
                continue
            if e.plural and any(e.forms):
                self._plural[e.msgid] = e.forms
            elif e.msgstr:
                self._singular[e.msgid] = e.msgstr
        if fallback is not None:
            self.add_fallback(fallback)
            self._next = fallback

    def gettext(self, message: str) -> str:
        if message in self._singular:
            return self._singular[message]
        return self._next.gettext(message) if self._next else message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plural.get(msgid1)
        if forms:
            # Chinese has one form; English two (n == 1 or not).
            index = 0 if self.lang == "zh" else int(n != 1)
            return forms[min(index, len(forms) - 1)]
        if self._next:
            return self._next.ngettext(msgid1, msgid2, n)
        return msgid1 if n == 1 else msgid2

    def has(self, message: str) -> bool:
        return message in self._singular or message in self._plural


@cache
def translations(lang: str) -> PoTranslations:
    """The catalog of ``lang``; Chinese falls back to English, English to the msgid."""
    english = PoTranslations(entries("en"), "en")
    if lang == "en":
        return english
    return PoTranslations(entries(lang), lang, fallback=english)


def entries(lang: str) -> list[Entry]:
    return [e for path in catalog_paths(lang) for e in read_po(path)]


def normalize(lang: str) -> str:
    """"zh", "zh_CN.UTF-8", "zh-Hans" -> "zh"; "en", "en_US" -> "en"; else ValueError."""
    key = lang.strip().lower().replace("-", "_")
    for code in LANGUAGES:
        if key == code or key.startswith(code + "_") or key.startswith(code + "."):
            return code
    raise ValueError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")


def language_from_env(environ: Mapping[str, str] | None = None,
                      system_locale: str | None = None) -> str:
    """The language the locale asks for: the first set of LC_ALL, LC_MESSAGES, LANG;
    where none is set (Windows), the system's locale ("Chinese (Simplified)_China")."""
    env = os.environ if environ is None else environ
    for var in _LOCALE_VARS:
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    if system_locale is None and environ is None:
        import locale

        system_locale = locale.getlocale()[0] or ""
    return "zh" if (system_locale or "").lower().startswith(("zh", "chinese")) else "en"


def set_language(lang: str | None) -> str:
    """Choose the language ("zh" | "en" or a locale name); None: back to the locale's."""
    global _chosen
    _chosen = None if lang is None else normalize(lang)
    return language()


def language() -> str:
    return _chosen if _chosen is not None else language_from_env()


def _(message: str) -> str:
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; translate it where shown."""
    return message


def has_key(key: str, lang: str | None = None) -> bool:
    """True if the catalog of ``lang`` (default: the chosen one) holds ``key`` itself."""
    return translations(lang or language()).has(key)


def claim_key(claim_id: str, part: str, method: str | None = None) -> str:
    """``claim:<id>:statement`` | ``claim:<id>:quote`` | ``claim:<id>:why:<method>``."""
    return f"claim:{claim_id}:{part}" + (f":{method}" if method else "")


def claim_text(claim_id: str, part: str, method: str | None = None, default: str = "") -> str:
    """What a claim says (statement, quote, why under a method) in the chosen language."""
    return text(claim_key(claim_id, part, method), default)


def text(key: str, default: str = "") -> str:
    """A keyed text (``claim:<id>:statement``) in the chosen language, else ``default``."""
    value = translations(language()).gettext(key)
    return default if value == key else value


_LIST = re.compile(r"\[([^\[\]]*)\]")
_WORD_VALUES = {"True": N_("yes"), "False": N_("no"), "None": N_("none")}


def humanize(value: str) -> str:
    """A measured value as words: no Python lists, quotes, True/False/None."""

    def unlist(m: re.Match[str]) -> str:
        items = [x.strip().strip("'\"") for x in m.group(1).split(",") if x.strip()]
        return ", ".join(items) if items else _("none")

    text = _LIST.sub(unlist, value)
    return re.sub(r"\b(True|False|None)\b", lambda m: _(_WORD_VALUES[m.group(1)]), text)
