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

The ``.po`` files are the one source people edit; no build step is needed. What is read
at run time is a compiled copy (GNU ``.mo``) the kit writes itself into its cache folder
(``LABKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/labkit`` or ``~/.cache/labkit``; on Windows
``%LOCALAPPDATA%\\labkit``), stamped with the size and CRC-32 of every ``.po`` it came
from: a copy whose stamp differs from the ``.po`` files as they are now is never used (the
``.po`` is parsed again and the copy rewritten), and where no cache folder is writable
the ``.po`` is simply parsed. Reading the copy costs a fraction of parsing (every
command's start pays it). Stdlib-only (claims use it too).
"""

from __future__ import annotations

import gettext
import os
import re
import struct
import zlib
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


@dataclass(frozen=True)
class Messages:
    """What a language's catalogs say, as gettext reads it: fuzzy and untranslated
    entries left out, a later entry of the same msgid winning."""

    singular: dict[str, str]
    plural: dict[str, tuple[str, ...]]  # msgid -> msgstr[0], msgstr[1], ...
    plural_ids: dict[str, str]  # msgid -> its msgid_plural (what a .mo keys it by)

    @classmethod
    def of(cls, entries: list[Entry]) -> Messages:
        singular: dict[str, str] = {}
        plural: dict[str, tuple[str, ...]] = {}
        plural_ids: dict[str, str] = {}
        for e in entries:
            if e.fuzzy:
                continue
            if e.plural and any(e.forms):
                plural[e.msgid] = e.forms
                plural_ids[e.msgid] = e.plural
            elif e.msgstr:
                singular[e.msgid] = e.msgstr
        return cls(singular, plural, plural_ids)


class PoTranslations(gettext.NullTranslations):
    """A gettext translation object over the entries of one ``.po`` file."""

    def __init__(self, entries: list[Entry] | Messages, lang: str,
                 fallback: gettext.NullTranslations | None = None) -> None:
        super().__init__()
        messages = entries if isinstance(entries, Messages) else Messages.of(entries)
        self.lang = lang
        self._next: gettext.NullTranslations | None = None
        self._singular: dict[str, str] = messages.singular
        self._plural: dict[str, tuple[str, ...]] = messages.plural
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
    english = PoTranslations(messages("en"), "en")
    if lang == "en":
        return english
    return PoTranslations(messages(lang), lang, fallback=english)


# -- the compiled copy ------------------------------------------------------------------

MO_MAGIC = 0x950412DE
# Bump when what is compiled, or how it is read, changes: older copies are then ignored.
COMPILED_FORMAT = "labkit-mo/1"
STAMP_FIELD = "X-Labkit-Source"
PLURAL_FORMS = {"zh": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


def cache_dir() -> str | None:
    """Where the compiled catalogs are kept; None (``LABKIT_CACHE_DIR=""``): nowhere."""
    if "LABKIT_CACHE_DIR" in os.environ:
        return os.environ["LABKIT_CACHE_DIR"] or None
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA", "")
        return os.path.join(base, "labkit") if base else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "labkit")


def compiled_path(lang: str) -> str | None:
    folder = cache_dir()
    return os.path.join(folder, "catalogs", f"{lang}.mo") if folder else None


def source_stamp(paths: list[Path]) -> str:
    """What the compiled copy must have been made from: each ``.po``'s name, size, CRC-32
    (an edit changes it; it is no defence against tampering, nor needs to be)."""
    parts = [COMPILED_FORMAT]
    for path in paths:
        data = path.read_bytes()
        parts.append(f"{path.name}:{len(data)}:{zlib.crc32(data):08x}")
    return " ".join(parts)


def compile_mo(messages: Messages, lang: str, stamp: str) -> bytes:
    """A GNU ``.mo`` file of ``messages`` (gettext.GNUTranslations and msgunfmt read it):
    UTF-8, the language's plural rule, the stamp in the header."""
    header = (f"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: {PLURAL_FORMS[lang]}\n"
              f"{STAMP_FIELD}: {stamp}\n")
    pairs = {b"": header.encode()}
    for msgid, msgstr in messages.singular.items():
        pairs[msgid.encode()] = msgstr.encode()
    for msgid, forms in messages.plural.items():
        key = f"{msgid}\0{messages.plural_ids[msgid]}".encode()
        pairs[key] = "\0".join(forms).encode()
    keys = sorted(pairs)
    ids = strs = b""
    spans = []
    for k in keys:
        spans.append((len(ids), len(k), len(strs), len(pairs[k])))
        ids += k + b"\0"
        strs += pairs[k] + b"\0"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    table = [x for o1, l1, _o2, _l2 in spans for x in (l1, o1 + key_start)]
    table += [x for _o1, _l1, o2, l2 in spans for x in (l2, o2 + value_start)]
    head = struct.pack("<7I", MO_MAGIC, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return head + struct.pack(f"<{len(table)}I", *table) + ids + strs


def read_mo(data: bytes) -> tuple[dict[str, str], Messages]:
    """A ``.mo`` file's header fields and messages; ValueError if it is not a sound one."""
    if len(data) < 28:
        raise ValueError("too short for a .mo file")
    order = {MO_MAGIC: "<"}.get(struct.unpack_from("<I", data)[0]) or {
        MO_MAGIC: ">"}.get(struct.unpack_from(">I", data)[0])
    if order is None:
        raise ValueError("not a .mo file")
    _revision, n, orig, trans = struct.unpack_from(order + "4I", data, 4)
    try:
        origs = struct.unpack_from(f"{order}{2 * n}I", data, orig)
        transs = struct.unpack_from(f"{order}{2 * n}I", data, trans)
    except struct.error:
        raise ValueError("a table lies outside the file") from None
    header: dict[str, str] = {}
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    plural_ids: dict[str, str] = {}
    for i in range(n):
        klen, kat, vlen, vat = origs[2 * i], origs[2 * i + 1], transs[2 * i], transs[2 * i + 1]
        if kat + klen > len(data) or vat + vlen > len(data):
            raise ValueError("a message lies outside the file")
        key, value = data[kat:kat + klen].decode(), data[vat:vat + vlen].decode()
        if not key:
            for line in value.splitlines():
                name, sep, field = line.partition(":")
                if sep:
                    header[name.strip()] = field.strip()
        elif "\0" in key:
            msgid, msgid_plural = key.split("\0", 1)
            plural[msgid] = tuple(value.split("\0"))
            plural_ids[msgid] = msgid_plural
        else:
            singular[key] = value
    return header, Messages(singular, plural, plural_ids)


def messages(lang: str) -> Messages:
    """The messages of ``lang``: from the compiled copy when it matches the ``.po`` files
    as they are now, else parsed from them (and the copy rewritten, where it can be)."""
    paths = catalog_paths(lang)
    stamp = source_stamp(paths)
    target = compiled_path(lang)
    if target is not None:
        try:
            with open(target, "rb") as f:
                header, got = read_mo(f.read())
            if header.get(STAMP_FIELD) == stamp:
                return got
        except (OSError, ValueError):  # absent, unreadable or damaged: made again below
            pass
    parsed = Messages.of([e for path in paths for e in read_po(path)])
    if target is not None:
        _write_atomically(target, compile_mo(parsed, lang, stamp))
    return parsed


def _write_atomically(target: str, data: bytes) -> None:
    """Write via a temp file and a rename, so a reader never sees half a file (runs in
    parallel may all write it); a folder that cannot be written only costs the cache."""
    tmp = f"{target}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except OSError:
        try:
            os.remove(tmp)
        except OSError:
            pass


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
