"""What every command's start pays for: the compiled catalogs, the tracer's bytecode check,
one run without a thread pool, and the imports `labkit run SCRIPT` does without."""

from __future__ import annotations

import gettext
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from labkit import i18n, runner, sweep
from labkit.observation import Observation

# -- the compiled catalogs --------------------------------------------------------------


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("LABKIT_CACHE_DIR", str(folder))
    i18n.translations.cache_clear()
    yield folder
    i18n.translations.cache_clear()


def mo_of(lang: str) -> Path:
    path = i18n.compiled_path(lang)
    assert path is not None
    return Path(path)


def gnu_reading(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as f:
        return gettext.GNUTranslations(f)


def differences(mo: gettext.GNUTranslations, po: i18n.Messages, lang: str) -> list[str]:
    """Where the stdlib's own .mo reader disagrees with the .po: every singular message,
    every plural one for n = 1 and n = 2, and nothing in the .mo the .po lacks."""
    diffs = [f"{k!r}: {mo.gettext(k)!r} != {v!r}" for k, v in po.singular.items()
             if mo.gettext(k) != v]
    for msgid, forms in po.plural.items():
        for n in (1, 2):
            want = forms[min(0 if lang == "zh" else int(n != 1), len(forms) - 1)]
            got = mo.ngettext(msgid, po.plural_ids[msgid], n)
            if got != want:
                diffs.append(f"{msgid!r} n={n}: {got!r} != {want!r}")
    extra = {k for k in mo._catalog if k and not isinstance(k, tuple)} - set(po.singular)
    return diffs + [f"{k!r} is in the .mo only" for k in sorted(extra)]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_compiled_catalog_matches_the_po(cache, lang):
    from_po = i18n.Messages.of(i18n.entries(lang))
    assert i18n.messages(lang) == from_po  # parsed, and the copy written
    assert mo_of(lang).is_file()
    assert i18n.messages(lang) == from_po  # now read from the copy
    assert differences(gnu_reading(mo_of(lang)), from_po, lang) == []
    header, again = i18n.read_mo(mo_of(lang).read_bytes())
    assert again == from_po
    assert header[i18n.STAMP_FIELD] == i18n.source_stamp(i18n.catalog_paths(lang))


def test_the_comparison_sees_a_wrong_compiled_catalog(cache, tmp_path):
    # The counter-example: a .mo with one message changed, one dropped and one added.
    po = i18n.Messages.of(i18n.entries("zh"))
    singular = dict(po.singular)
    first, second = sorted(singular)[:2]
    singular[first] = "改过的"
    del singular[second]
    singular["not in the po"] = "多余"
    wrong = tmp_path / "wrong.mo"
    wrong.write_bytes(i18n.compile_mo(i18n.Messages(singular, po.plural, po.plural_ids),
                                      "zh", "x"))
    found = differences(gnu_reading(wrong), po, "zh")
    assert len(found) == 3, found


def test_msgunfmt_reads_the_compiled_catalog(cache):
    if shutil.which("msgunfmt") is None:
        pytest.skip("GNU gettext's msgunfmt is not installed")
    i18n.messages("zh")
    out = subprocess.run(["msgunfmt", str(mo_of("zh"))], capture_output=True, text=True,
                         encoding="utf-8", check=False)
    assert out.returncode == 0, out.stderr
    assert 'msgstr "启动方法' in out.stdout or "启动方法" in out.stdout


def test_a_copy_is_used_only_while_its_stamp_matches_the_po(cache, tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(i18n.locale_dir(), locale)
    monkeypatch.setattr(i18n, "locale_dir", lambda: locale)
    po = locale / "en" / "LC_MESSAGES" / "labkit.po"
    i18n.messages("en")  # the copy is written
    # A copy with the current stamp is what is read (its message, not the .po's) ...
    stamp = i18n.source_stamp(i18n.catalog_paths("en"))
    mo_of("en").write_bytes(i18n.compile_mo(i18n.Messages({"x": "from the copy"}, {}, {}),
                                            "en", stamp))
    assert i18n.messages("en").singular == {"x": "from the copy"}
    # ... and an edit of the .po makes it stale: the .po is read, the copy rewritten.
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "edited"\n',
                  encoding="utf-8")
    got = i18n.messages("en")
    assert got.singular["x"] == "edited" and "claim:seed.join.concurrent:statement" in (
        got.singular)
    assert i18n.read_mo(mo_of("en").read_bytes())[1] == got


@pytest.mark.parametrize("damage", [b"", b"\x00" * 40, b"garbage that is no .mo file"])
def test_a_damaged_copy_is_made_again(cache, damage):
    want = i18n.messages("zh")
    mo_of("zh").write_bytes(damage)
    assert i18n.messages("zh") == want
    assert i18n.read_mo(mo_of("zh").read_bytes())[1] == want
    cut = mo_of("zh").read_bytes()[:-200]  # a table pointing past the end
    mo_of("zh").write_bytes(cut)
    with pytest.raises(ValueError):
        i18n.read_mo(cut)
    assert i18n.messages("zh") == want


def test_without_a_writable_cache_the_po_is_read(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    for value in ("", str(blocked)):
        monkeypatch.setenv("LABKIT_CACHE_DIR", value)
        assert i18n.messages("zh") == i18n.Messages.of(i18n.entries("zh"))
    i18n.translations.cache_clear()
    i18n.set_language("zh")
    try:
        assert i18n._("options") != "options"
    finally:
        i18n.set_language(None)
        i18n.translations.cache_clear()


# -- the tracer's bytecode ----------------------------------------------------------------


def test_compileall_runs_only_when_the_tracer_bytecode_is_stale(tmp_path, monkeypatch):
    boot = tmp_path / "_boot"
    shutil.copytree(runner.BOOT_DIR, boot, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner, "BOOT_DIR", boot)
    assert not runner._boot_is_compiled()  # no cached copy at all
    monkeypatch.setattr(runner, "_boot_compiled", False)
    runner._compile_boot()
    assert runner._boot_is_compiled()
    tracer = boot / "_labkit_tracer.py"
    tracer.write_text(tracer.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert not runner._boot_is_compiled()  # size and mtime no longer those compiled


# -- one run at a time --------------------------------------------------------------------


def fake_runs(monkeypatch) -> list[str]:
    threads: list[str] = []

    def fake(script, options):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return Observation.__new__(Observation)

    monkeypatch.setattr(runner, "run", fake)
    return threads


def spec(i: int) -> sweep.RunSpec:
    return sweep.RunSpec(lab="x", variant=f"v{i}", script="x.py", method="fork")


def test_one_run_or_one_job_runs_in_the_calling_thread(monkeypatch):
    threads = fake_runs(monkeypatch)
    sweep.run_specs([spec(0)], jobs=4)
    sweep.run_specs([spec(1), spec(2), spec(3)], jobs=1)
    assert threads == [threading.current_thread().name] * 4


def test_runs_side_by_side_still_use_the_pool(monkeypatch):
    # The counter-example: two runs with two jobs go to the pool's threads.
    threads = fake_runs(monkeypatch)
    assert len(sweep.run_specs([spec(0), spec(1)], jobs=2)) == 2
    assert threads and threading.current_thread().name not in threads


# -- imports ------------------------------------------------------------------------------

PROBE = """\
import json, sys
from labkit.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("MODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
NOT_FOR_ONE_RUN = {"concurrent.futures", "logging", "compileall", "uuid"}


def imported_by(*args: str, cwd: Path) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, stdin=subprocess.DEVNULL, timeout=120,
                          env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": ""}, check=False)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES "))
    data = json.loads(line.removeprefix("MODULES "))
    return data["code"], set(data["modules"])


def test_one_run_of_a_script_imports_no_pool_compileall_or_uuid(tmp_path):
    runner._compile_boot()  # the tracer's bytecode current, as after any earlier run
    (tmp_path / "hello.py").write_text("print('hello')\n", encoding="utf-8")
    code, modules = imported_by("run", "hello.py", "-m", "fork", cwd=tmp_path)
    assert code == 0
    assert not modules & NOT_FOR_ONE_RUN, sorted(modules & NOT_FOR_ONE_RUN)


def test_runs_side_by_side_do_import_the_pool(tmp_path):
    # The counter-example: two runs at once need the pool, and the check sees it.
    (tmp_path / "hello.py").write_text("print('hello')\n", encoding="utf-8")
    code, modules = imported_by("run", "hello.py", "-m", "all", "--jobs", "2", cwd=tmp_path)
    assert code == 0
    assert "concurrent.futures" in modules


# -- teardown ----------------------------------------------------------------------------

FREEZE_PROBE = """\
import atexit, gc, sys
atexit.register(lambda: print("FROZEN", gc.get_freeze_count(), file=sys.stderr))
from labkit.cli import main
main({argv})
"""


def frozen_at_exit(argv: str, cwd: Path) -> tuple[int, str, int]:
    proc = subprocess.run([sys.executable, "-c", FREEZE_PROBE.format(argv=argv), "list"],
                          capture_output=True, text=True, encoding="utf-8", cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=120, check=False,
                          env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": ""})
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("FROZEN "))
    return proc.returncode, proc.stdout, int(line.split()[1])


def test_the_command_of_a_process_freezes_before_teardown_and_says_the_same(tmp_path):
    code, out, frozen = frozen_at_exit("", tmp_path)  # main(): the console script's call
    assert code == 0 and frozen > 10_000  # atexit handlers still ran, after the freeze
    # The counter-example: main(argv), as a caller inside a process (tests) does, leaves
    # the caller's objects alone; and what the command printed is the same either way.
    code2, out2, frozen2 = frozen_at_exit("['list']", tmp_path)
    assert code2 == 0 and frozen2 == 0
    assert out == out2 and "12" in out
