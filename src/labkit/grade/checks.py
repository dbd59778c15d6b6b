"""An exercise's checks as claims: each judges the student's run under one start method.

The same machinery as the labs (``Claim`` → ``Verdict``): a check raises ``expect``
with the measured value and, as detail, the evidence a student needs (what was
printed, which process failed, under which method). ``static_guard`` is the one
static check (AST): it reads the source, not a run, and says so. Stdlib-only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from labkit.claims import Claim, Evidence, Outcome, expect
from labkit.grade.exercises import CheckSpec, Exercise
from labkit.observation import Observation

VARIANT = "base"  # a student's file is run as the one variant of its exercise

_STATEMENTS: dict[str, dict[str, str]] = {
    "runs_to_end": {"zh": "程序自己结束（没有超时），退出码 0",
                    "en": "the program ends by itself (no timeout) with exit code 0"},
    "no_bootstrap_error": {"zh": "没有进程报 bootstrapping phase 错误",
                           "en": "no process fails with the 'bootstrapping phase' error"},
    "children_ok": {"zh": "至少启动 {n} 个子进程，每个退出码都是 0",
                    "en": "at least {n} child process(es) start and each exits 0"},
    "lines": {"zh": "输出正确：{lines}", "en": "the output is right: {lines}"},
    "start_method": {"zh": "子进程由被测的启动方式创建（没有改启动方式）",
                     "en": "children are started by the method under test (not changed)"},
    "static_guard": {"zh": "静态检查：模块顶层没有创建或启动进程/进程池",
                     "en": "static check: no Process/Pool created or started at module level"},
}


def statement(spec: CheckSpec, lang: str) -> str:
    text = _STATEMENTS[spec.kind][lang]
    if spec.kind == "lines":
        times = "次" if lang == "zh" else "×"
        lines = ", ".join(f"'{x.text}' {x.count}{times}" for x in spec.lines)
        return text.format(lines=lines)
    return text.format(n=spec.min_children)


def lab_of(exercise: Exercise) -> str:
    return f"exercise:{exercise.id}"


# -- readings of one run ----------------------------------------------------------------


def expected_method(o: Observation, method: str) -> str | None:
    return (o.default_start_method or o.start_method) if method == "default" else method


def dodged(o: Observation, method: str) -> list[str]:
    """Children started by another method than the one under test, as 'name pid: method'."""
    want = expected_method(o, method)
    return [f"{p.name} (pid {p.pid}) by {p.method}" for p in o.children
            if p.method and want and p.method != want]


def who(o: Observation, pid: int | None) -> str:
    if pid is None:
        return "fd"
    for p in o.processes:
        if p.pid == pid:
            return "main" if p.role == "main" else f"{p.name} (pid {pid})"
    return f"pid {pid}"


def printed(o: Observation, limit: int = 6, stream: str | None = "stdout") -> str:
    lines = o.lines(stream)
    shown = [f"[{who(o, x.pid)}] {x.text}" for x in lines[:limit]]
    more = f" … (+{len(lines) - limit} lines)" if len(lines) > limit else ""
    return ("; ".join(shown) + more) if shown else "nothing"


_EXCEPTION = re.compile(r"^\s*[\w.]*(Error|Exception|Exit|Interrupt)\b.*")


def last_error(o: Observation, pid: int | None = None) -> str:
    """The last exception line a process wrote (else its last stderr line), and who."""
    err = [x for x in o.lines("stderr") if x.text.strip() and (pid is None or x.pid == pid)]
    exc = [x for x in err if _EXCEPTION.match(x.text)]
    pick = (exc or err)[-1] if err else None
    return f"{pick.text.strip()} [{who(o, pick.pid)}]" if pick else ""


# -- the checks -------------------------------------------------------------------------


def _runs_to_end(spec: CheckSpec, lab: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        if o.timed_out:
            raise expect(False, f"hung: ended by the watchdog after {o.duration_s:.1f} s",
                         f"printed: {printed(o)}")
        err = last_error(o)
        raise expect(o.exit_code == 0, f"exit code {o.exit_code}",
                     f"last error: {err}" if err and o.exit_code else "")
    return check


def _no_bootstrap_error(spec: CheckSpec, lab: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        hit = o.first_line("bootstrapping phase", "stderr")
        if hit is None:
            raise expect(True, "no bootstrapping error")
        raise expect(False, "RuntimeError: bootstrapping phase",
                     f"in {who(o, hit.pid)}: the child imported the file again and reached "
                     "code that starts a process")
    return check


def _children_ok(spec: CheckSpec, lab: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        kids = o.children
        bad = [p for p in kids if p.exitcode != 0]
        value = f"{len(kids)} started, {len(bad)} failed"
        if len(kids) < spec.min_children:
            err = last_error(o)
            raise expect(False, value, f"expected at least {spec.min_children} child(ren)"
                         + (f"; last error: {err}" if err else ""))
        if bad:
            p = bad[0]
            err = last_error(o, p.pid)
            raise expect(False, value, f"{p.name} (pid {p.pid}) exit code {p.exitcode}"
                         + (f": {err}" if err else ""))
        raise expect(True, value)
    return check


def _lines(spec: CheckSpec, lab: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        texts = o.texts("stdout")
        seen = [(x, sum(x.text in t for t in texts)) for x in spec.lines]
        wrong = [f"'{x.text}' {n}× (expected {x.count}×)" for x, n in seen if n != x.count]
        if wrong:
            raise expect(False, "; ".join(wrong), f"printed: {printed(o)}")
        raise expect(True, f"{len(spec.lines)} expected line(s) as required")
    return check


def _start_method(spec: CheckSpec, lab: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        other = dodged(o, method)
        want = expected_method(o, method)
        if other:
            raise expect(False, f"{len(other)} child(ren) not started by {want}",
                         "the program changes the start method instead of working under "
                         f"{want}: " + ", ".join(other))
        raise expect(True, f"children started by {want}")
    return check


_BUILDERS = {
    "runs_to_end": _runs_to_end,
    "no_bootstrap_error": _no_bootstrap_error,
    "children_ok": _children_ok,
    "lines": _lines,
    "start_method": _start_method,
}


def claims(exercise: Exercise, methods: tuple[str, ...]) -> list[tuple[CheckSpec, Claim]]:
    """The behaviour checks of an exercise as claims judged under ``methods``."""
    lab = lab_of(exercise)
    return [
        (spec, Claim(id=f"{exercise.id}.{spec.kind}", lab=lab, source="exercise",
                     statement=statement(spec, "en"), check=_BUILDERS[spec.kind](spec, lab),
                     methods=methods))
        for spec in exercise.checks
        if spec.kind in _BUILDERS
    ]


# -- the static check -------------------------------------------------------------------

_STARTERS = {"Process", "Pool", "Manager", "ProcessPoolExecutor", "start", "map", "apply",
             "apply_async", "map_async", "starmap", "imap", "imap_unordered"}


def _is_main_guard(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    parts = [node.test.left, *node.test.comparators]
    names = {p.id for p in parts if isinstance(p, ast.Name)}
    consts = {p.value for p in parts if isinstance(p, ast.Constant)}
    return "__name__" in names and "__main__" in consts


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def module_level_starts(source: str) -> list[str]:
    """Calls that create or start processes in code that runs on import, as 'line N: name'."""
    tree = ast.parse(source)
    found = []
    for stmt in tree.body:
        if _is_main_guard(stmt) or isinstance(
            stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import,
                   ast.ImportFrom)):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and _call_name(node) in _STARTERS:
                found.append(f"line {node.lineno}: {_call_name(node)}()")
    return found


def static_guard(source: str) -> Outcome:
    try:
        found = module_level_starts(source)
    except SyntaxError as exc:
        return expect(False, "syntax error", f"line {exc.lineno}: {exc.msg}")
    if found:
        return expect(False, f"{len(found)} call(s) at module level",
                      "runs again in every spawn/forkserver child: " + ", ".join(found))
    return expect(True, "nothing started at module level")
