"""Two languages: the catalogs, the choice of language, and that nothing lacks a translation."""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from labkit import i18n

SRC = Path(i18n.__file__).resolve().parent
MARKERS = {"_", "N_", "ngettext"}


def msgids_in_source() -> dict[str, str]:
    """Every literal passed to _() or N_() under src/labkit: msgid -> where."""
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            # _("..."), or i18n._("...") where the module uses _ as a throwaway name.
            name = (node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    else node.func.attr if isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute) else None)
            if name in MARKERS and node.args:
                arg = node.args[0]
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, where)
                else:  # _(variable) translates a literal marked N_() where it is defined
                    # (i18n's own x.ngettext(a, b, n) forwards its arguments)
                    assert name == "_" or isinstance(node.func, ast.Attribute), (
                        f"{where}: {name}() needs a literal")
    return found


# -- the reader ----------------------------------------------------------------------


def test_read_po_handles_continuations_escapes_plurals_and_fuzzy(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n\n'
        '# a comment\nmsgid "two "\n"lines"\nmsgstr "两"\n"行"\n\n'
        'msgid "say \\"hi\\"\\n"\nmsgstr "说\\t“你好”"\n\n'
        '#, fuzzy\nmsgid "unsure"\nmsgstr "不确定"\n\n'
        'msgid "{n} run"\nmsgid_plural "{n} runs"\nmsgstr[0] "{n} 次运行"\n\n'
        '#~ msgid "gone"\n#~ msgstr "已删"\n',
        encoding="utf-8")
    entries = {e.msgid: e for e in i18n.read_po(po)}
    assert set(entries) == {"two lines", 'say "hi"\n', "unsure", "{n} run"}
    assert entries["two lines"].msgstr == "两行"
    assert entries['say "hi"\n'].msgstr == "说\t“你好”"
    assert entries["unsure"].fuzzy
    t = i18n.PoTranslations(list(entries.values()), "zh")
    assert t.gettext("unsure") == "unsure"  # fuzzy entries are not used
    assert t.ngettext("{n} run", "{n} runs", 5) == "{n} 次运行"
    assert t.gettext("absent") == "absent"


@pytest.mark.parametrize("bad", ['msgstr unquoted', 'msgstr "a"b"', 'msgstr "a\\q"',
                                 'msgstr "a\\\\"b"'])
def test_read_po_rejects_a_broken_file(tmp_path, bad):
    po = tmp_path / "bad.po"
    po.write_text(f'msgid "a"\n{bad}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.po:2"):
        i18n.read_po(po)


# -- choosing the language -----------------------------------------------------------


@pytest.mark.parametrize(("env", "lang"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # empty means unset
])
def test_language_from_the_locale(env, lang):
    assert i18n.language_from_env(env) == lang


def test_without_locale_variables_the_system_locale_decides():
    assert i18n.language_from_env({}, "Chinese (Simplified)_China") == "zh"  # Windows
    assert i18n.language_from_env({}, "zh_CN") == "zh"
    assert i18n.language_from_env({}, "English_United States") == "en"
    assert i18n.language_from_env({"LANG": "en_US.UTF-8"}, "zh_CN") == "en"  # LANG first


def test_set_language_overrides_the_locale_and_none_restores_it(monkeypatch):
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    i18n.set_language(None)
    assert i18n.language() == "zh"
    assert i18n.set_language("en") == "en"
    assert i18n.set_language("zh_CN.UTF-8") == "zh"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.set_language(None) == "en"
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language("fr")


def test_underscore_translates_in_the_chosen_language():
    msgid = "language of the output: zh or en (default: from LANG)"
    i18n.set_language("zh")
    assert i18n._(msgid) != msgid and "语言" in i18n._(msgid)
    i18n.set_language("en")
    assert i18n._(msgid) == msgid


# -- completeness ---------------------------------------------------------------------


def untranslated(source: dict[str, str], entries: list[i18n.Entry]) -> list[str]:
    """msgids of the source with no usable translation: absent, empty or fuzzy."""
    catalog = {e.msgid: e for e in entries}
    return [f"{where}: {m!r}" for m, where in source.items()
            if m not in catalog or catalog[m].fuzzy
            or not (catalog[m].msgstr or any(catalog[m].forms))]


def test_every_user_facing_string_has_a_chinese_translation():
    source = msgids_in_source()
    assert source, "few _() calls found: the extractor is broken"
    missing = untranslated(source, i18n.entries("zh"))
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_the_interface_catalog_holds_nothing_the_source_no_longer_says():
    stale = {e.msgid for e in i18n.read_po(i18n.catalog_path("zh"))} - set(msgids_in_source())
    assert not stale, f"msgids no _() uses any more (remove them): {sorted(stale)}"


def test_the_checker_reports_absent_empty_and_fuzzy_translations():
    source = {"a": "x.py:1", "b": "x.py:2", "c": "x.py:3", "d": "x.py:4"}
    entries = [i18n.Entry("a", "甲"), i18n.Entry("b", ""), i18n.Entry("c", "丙", fuzzy=True)]
    assert untranslated(source, entries) == ["x.py:2: 'b'", "x.py:3: 'c'", "x.py:4: 'd'"]


def test_catalogs_have_no_duplicates_and_keyed_texts_are_in_both():
    keyed: dict[str, set[str]] = {}
    for lang in i18n.LANGUAGES:
        ids = [e.msgid for e in i18n.entries(lang)]
        dupes = {m for m in ids if ids.count(m) > 1}
        assert not dupes, f"{lang}: duplicate msgids {dupes}"
        keyed[lang] = {m for m in ids if m.startswith("claim:")}
    assert keyed["zh"] == keyed["en"], (
        f"keyed texts in one language only: {keyed['zh'] ^ keyed['en']}")


@pytest.mark.skipif(shutil.which("msgfmt") is None,
                    reason="GNU gettext's msgfmt is not installed: the format check needs it")
def test_catalogs_pass_gnu_msgfmt_check(tmp_path):
    for lang in i18n.LANGUAGES:
        for path in i18n.catalog_paths(lang):
            out = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "x.mo"), str(path)],
                                 capture_output=True, text=True)
            assert out.returncode == 0, out.stderr


# -- what each claim says -------------------------------------------------------------


def claim_texts_missing(claims, catalogs: dict[str, set[str]]) -> list[str]:
    """Keys a claim needs (statement, quote if from the tutorial, why per method) that a
    language's catalog lacks."""
    missing = []
    for claim in claims:
        keys = [i18n.claim_key(claim.id, "statement")]
        keys += [i18n.claim_key(claim.id, "quote")] if claim.source != "kit" else []
        keys += [i18n.claim_key(claim.id, "why", m) for m in claim.methods]
        missing += [f"{lang}: {k}" for lang, have in catalogs.items() for k in keys
                    if k not in have]
    return missing


def _translated(lang: str) -> set[str]:
    return {e.msgid for e in i18n.entries(lang) if e.msgstr and not e.fuzzy}


def test_every_claim_says_its_statement_quote_and_why_in_both_languages():
    from labkit.claims import all_claims

    catalogs = {lang: _translated(lang) for lang in i18n.LANGUAGES}
    missing = claim_texts_missing(all_claims(), catalogs)
    assert not missing, "add to locale/*/LC_MESSAGES/claims.po:\n" + "\n".join(missing)


def test_a_claim_without_texts_is_reported():
    from labkit.claims import Claim

    new = Claim("kit.new.one", "99", "kit", "A new claim.", lambda ev, m: None,  # type: ignore
                methods=("spawn",))
    catalogs = {lang: _translated(lang) for lang in i18n.LANGUAGES}
    assert claim_texts_missing([new], catalogs) == [
        "en: claim:kit.new.one:statement", "en: claim:kit.new.one:why:spawn",
        "zh: claim:kit.new.one:statement", "zh: claim:kit.new.one:why:spawn"]


def test_the_chinese_quote_is_the_tutorials_own_sentence():
    from labkit.claims import all_claims

    i18n.set_language("zh")
    for claim in all_claims():
        if claim.source != "kit":
            assert i18n.claim_text(claim.id, "quote") == claim.source, claim.id


def test_no_keyed_text_belongs_to_a_claim_that_does_not_exist():
    from labkit.claims import all_claims

    ids = {c.id for c in all_claims()}
    stale = {m.split(":")[1] for m in _translated("en") | _translated("zh")
             if m.startswith("claim:")} - ids
    assert not stale, f"texts of claims that no longer exist: {sorted(stale)}"


# -- the command line -------------------------------------------------------------------


def _labkit(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    base = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "labkit", *args], capture_output=True,
                          text=True, encoding="utf-8", env={**base, "COLUMNS": "200", **env},
                          timeout=120)


def test_the_locale_and_lang_choose_the_language_of_labkit_list():
    zh = _labkit("list", LANG="zh_CN.UTF-8")
    en = _labkit("list", LANG="en_US.UTF-8")
    forced = _labkit("list", "--lang", "en", LANG="zh_CN.UTF-8")
    before = _labkit("--lang", "zh", "list", LANG="en_US.UTF-8")
    assert zh.returncode == en.returncode == forced.returncode == before.returncode == 0
    assert "开启进程的两种方式" in zh.stdout and "Two ways to start a process" not in zh.stdout
    assert "Two ways to start a process" in en.stdout and "开启进程" not in en.stdout
    assert forced.stdout == en.stdout
    assert before.stdout == zh.stdout


def test_an_unknown_language_is_one_line_and_exit_2():
    r = _labkit("list", "--lang", "fr")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "--lang" in r.stderr


def test_the_english_statement_is_the_claims_own():
    # The claim's code holds its English sentence; the catalogs must say the same.
    from labkit.claims import all_claims

    i18n.set_language("en")
    differ = [c.id for c in all_claims() if i18n.claim_text(c.id, "statement") != c.statement]
    assert not differ, f"claims.po (en and zh) out of date for: {differ}"


def test_catalogs_agree_with_the_claim_texts_module():
    # claims/texts.py keeps the texts of the claims added with the new variants as data;
    # the catalogs are what the kit shows, so they must carry the same sentences.
    from labkit.claims.texts import TEXTS

    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        for cid, t in TEXTS.items():
            assert i18n.claim_text(cid, "statement") == t["statement"][lang], (lang, cid)
            for method, why in t["why"].items():
                assert i18n.claim_text(cid, "why", method) == why[lang], (lang, cid, method)


# The zh-cn Python docs' words, not their near-synonyms.
NOT_THE_DOCS_TERM = {"启动方式": "启动方法", "守护线程进程": "守护进程", "互斥量": "互斥锁",
                     "父亲进程": "父进程", "儿子进程": "子进程"}


def off_terms(texts: list[str]) -> list[str]:
    return [f"{bad} → {good}: {t[:40]}" for t in texts
            for bad, good in NOT_THE_DOCS_TERM.items() if bad in t]


def test_chinese_texts_use_the_zh_cn_docs_terms():
    from labkit import catalogue

    texts = [e.msgstr for e in i18n.entries("zh")] + [lab.title_zh for lab in catalogue.LABS]
    assert not off_terms(texts)
    assert off_terms(["默认启动方式"]) == ["启动方式 → 启动方法: 默认启动方式"]  # it does see one


def test_the_report_speaks_the_chosen_language():
    from pathlib import Path

    from labkit.report import build, render_html, render_markdown

    data = sorted((Path(__file__).parent / "data").glob("observations-*.zip"))
    i18n.set_language("zh")
    report = build(data)
    html, md = render_html(report), render_markdown(report)
    assert '<html lang="zh-CN">' in html and "labkit 报告" in html and "## 环境" in md
    statement = i18n.claim_text("seed.isolation.n", "statement")
    assert statement in html and statement[:20] in md
    assert ">Environments<" not in html and "## Environments" not in md
    i18n.set_language("en")
    html_en = render_html(build(data))
    assert '<html lang="en">' in html_en and ">Environments<" in html_en
    assert "labkit 报告" not in html_en


def bare_user_strings(tree: ast.AST) -> list[int]:
    """Lines where a help text, a table column or title, or an error message is a bare
    literal, not passed through _()."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        values = [k.value for k in node.keywords if k.arg in ("help", "title")]
        if name in ("add_column", "UsageError", "ClaimFailed", "OutputFailed") and node.args:
            values.append(node.args[0])
        found += [v.lineno for v in values if re.search(r"[A-Za-z]{2,}", _literal_text(v))]
    return found


def _literal_text(node: ast.AST) -> str:
    """The words a literal or f-string writes itself (not what it interpolates)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_text(v) for v in node.values)
    return ""


def test_no_bare_english_in_the_commands_tables_and_report():
    files = [SRC / "cli.py", SRC / "show.py", *sorted((SRC / "report").glob("*.py"))]
    bare = {str(f.relative_to(SRC)): lines for f in files
            if (lines := bare_user_strings(ast.parse(f.read_text(encoding="utf-8"))))}
    assert not bare, f"wrap these in _(): {bare}"
    sample = ast.parse('p.add_argument("--x", help="English")\nraise UsageError(f"no {x}")\n'
                       't.add_column(_("ok"))\n')
    assert bare_user_strings(sample) == [1, 2]  # the check does see bare strings


def test_argparse_usage_and_errors_follow_the_language():
    zh = _labkit("run", LANG="zh_CN.UTF-8")
    en = _labkit("run", LANG="en_US.UTF-8")
    assert zh.returncode == en.returncode == 2
    assert "缺少以下参数" in zh.stderr and "the following arguments are required" in en.stderr
    assert "用法" in _labkit("run", "--help", LANG="zh_CN.UTF-8").stdout


def test_the_top_level_help_is_all_in_the_chosen_language_and_fits_80():
    zh = _labkit("--help", LANG="zh_CN.UTF-8", COLUMNS="80")
    en = _labkit("--help", LANG="en_US.UTF-8", COLUMNS="80")
    assert zh.returncode == en.returncode == 0
    # Each command's and option's help line (an indented word, then its text) is Chinese:
    # the grading commands and --version too, and the description is for users.
    helped = [ln for ln in zh.stdout.splitlines() if re.match(r"\s+\S.*?\s{2,}\S", ln)]
    assert len(helped) == 14, zh.stdout  # eleven commands, -h, --version, --lang
    assert [ln for ln in helped if not re.search(r"[\u4e00-\u9fff]", ln)] == []
    assert "main()" not in zh.stdout + en.stdout
    assert "grade a student's file" in en.stdout and "show program's version" in en.stdout
    for out in (zh.stdout, en.stdout):
        from rich.cells import cell_len

        assert max(cell_len(ln) for ln in out.splitlines()) <= 80, out


@pytest.mark.parametrize("args", [
    ["run", "03", "--timeout", "0"], ["run", "03", "--timeout", "nan"],
    ["run", "03", "--repeat", "x"], ["run", "03", "--jobs", "0"],
    ["run", "03", "--json", "{tmp}"], ["run", "03", "--out", "{file}"],
    ["run", "03", "--json", "{file}/x.json"], ["check", "{tmp}/missing"],
    ["check", "{file}"], ["report", "--grades", "{tmp}/missing"],
    ["classroom", "init", "{file}"],
], ids=lambda a: " ".join(a))
def test_bad_input_is_said_in_chinese_under_a_chinese_locale(tmp_path, args):
    not_json = tmp_path / "a.txt"
    not_json.write_text("plain text\n", encoding="utf-8")
    argv = [a.format(tmp=tmp_path, file=not_json) for a in args]
    zh = _labkit(*argv, LANG="zh_CN.UTF-8")
    en = _labkit(*argv, LANG="en_US.UTF-8")
    assert zh.returncode == en.returncode == 2, zh.stderr
    assert len(zh.stderr.splitlines()) == 1 and "Traceback" not in zh.stderr
    # The kit's words are Chinese; only paths, options and the system's reasons stay.
    assert re.search(r"[\u4e00-\u9fff]", zh.stderr), zh.stderr
    words = re.sub(r"\S*/\S*|'[^']*'|--\w+|\([^)]*\)|（[^）]*）", "", zh.stderr)
    assert not re.search(r"\b(is|not|must|cannot|give|such|be|from)\b", words), zh.stderr
    assert not re.search(r"[\u4e00-\u9fff]", en.stderr), en.stderr


@pytest.mark.parametrize("command", [["run"], ["compare"], ["report"], ["images"], ["grade"],
                                     ["bench"], ["soak"]])
def test_chinese_help_is_wrapped_by_columns_not_characters(command):
    from rich.cells import cell_len

    zh = _labkit(*command, "--help", LANG="zh_CN.UTF-8", COLUMNS="80")
    assert zh.returncode == 0 and "用法" in zh.stdout
    lines = zh.stdout.splitlines()
    assert max(cell_len(x) for x in lines) <= 80, [x for x in lines if cell_len(x) > 80]
    assert not [x for x in lines if x.strip().startswith(("，", "。", "：", "）"))]
    # every option's help is said in Chinese (argparse's own words and the kit's)
    helped = [x for x in lines if re.match(r"\s+-\S.*?\s{2,}\S", x)]
    assert [x for x in helped if not re.search(r"[\u4e00-\u9fff]", x)] == []
    narrow = _labkit(*command, "--help", LANG="zh_CN.UTF-8", COLUMNS="50").stdout
    assert "".join(narrow.split()) == "".join(zh.stdout.split())  # the same words


def test_help_wrapping_keeps_english_as_argparse_does():
    from rich.cells import cell_len

    from labkit.cli import _Formatter

    f = _Formatter("labkit")
    text = "run a lab id or any script; show and save Observations, as often as asked"
    assert f._split_lines(text, 30) == argparse.HelpFormatter("labkit")._split_lines(text, 30)
    zh = "同时运行的数量（脚本：1，像手动运行一样逐个运行；实验：4）"
    lines = f._split_lines(zh, 20)
    assert "".join(lines) == zh and len(lines) == 4
    assert all(cell_len(x) <= 20 and not x.startswith(("：", "，", "）")) for x in lines)
