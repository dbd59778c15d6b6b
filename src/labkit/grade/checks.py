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
    "start_method": {"zh": "子进程由被测的启动方法创建（没有改启动方法）",
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
    return ("; ".join(shown) + more) if shown else "—"


_EXCEPTION = re.compile(r"^\s*[\w.]*(Error|Exception|Exit|Interrupt)\b.*")


def last_error(o: Observation, pid: int | None = None) -> str:
    """The last exception a process wrote, with its message (else its last stderr line),
    and who."""
    # A traceback read whole: "RuntimeError:" alone is not the message when the
    # message is on the lines below it (the bootstrapping error).
    from labkit.failures import failures

    folded = [f for f in failures(o) if pid is None or f.pid == pid]
    if folded:
        return f"{folded[-1].short()} [{who(o, folded[-1].pid)}]"
    err = [x for x in o.lines("stderr") if x.text.strip() and (pid is None or x.pid == pid)]
    exc = [x for x in err if _EXCEPTION.match(x.text)]
    pick = (exc or err)[-1] if err else None
    return f"{pick.text.strip()} [{who(o, pick.pid)}]" if pick else ""


# -- the checks -------------------------------------------------------------------------
# Each builder takes the language of its value and evidence: a grade judges twice (zh, en)
# over the same runs, so its JSON carries both.

Builder = Callable[[CheckSpec, str, str], Callable[[Evidence, str], Outcome]]


def _t(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _runs_to_end(spec: CheckSpec, lab: str, lang: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        if o.timed_out:
            raise expect(False, _t(lang, f"hung: ended by the watchdog after {o.duration_s:.1f} s",
                                   f"挂起：{o.duration_s:.1f} 秒后被看门狗结束"),
                         _t(lang, "printed: ", "输出：") + printed(o))
        err = last_error(o)
        raise expect(o.exit_code == 0, _t(lang, "exit code ", "退出码 ") + str(o.exit_code),
                     _t(lang, "last error: ", "最后的错误：") + err if err and o.exit_code else "")
    return check


def _no_child(o: Observation, lang: str) -> None:
    """A check about children says nothing of a run that started none: that fails."""
    if not o.children:
        err = last_error(o)
        raise expect(False, _t(lang, "no child process started", "没有启动子进程"),
                     (_t(lang, "last error: ", "最后的错误：") + err) if err else "")


def _no_bootstrap_error(spec: CheckSpec, lab: str, lang: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        _no_child(o, lang)
        hit = o.first_line("bootstrapping phase", "stderr")
        if hit is None:
            raise expect(True, _t(lang, "no bootstrapping error", "没有 bootstrapping 错误"))
        raise expect(False, "RuntimeError: bootstrapping phase",
                     _t(lang, f"in {who(o, hit.pid)}: the child imported the file again and "
                              "reached code that starts a process",
                        f"在 {who(o, hit.pid)} 中：子进程重新导入了本文件，执行到了启动进程的代码"))
    return check


def _children_ok(spec: CheckSpec, lab: str, lang: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        kids = o.children
        bad = [p for p in kids if p.exitcode != 0]
        value = _t(lang, f"{len(kids)} started, {len(bad)} failed",
                   f"启动 {len(kids)} 个，失败 {len(bad)} 个")
        if len(kids) < spec.min_children:
            err = last_error(o)
            need = _t(lang, f"expected at least {spec.min_children} child(ren)",
                      f"应至少有 {spec.min_children} 个子进程")
            raise expect(False, value,
                         need + (_t(lang, "; last error: ", "；最后的错误：") + err if err else ""))
        if bad:
            p = bad[0]
            err = last_error(o, p.pid)
            how = (_t(lang, "exit code ", "退出码 ") + str(p.exitcode) if p.exitcode is not None
                   else _t(lang, "still running when the run ended", "运行结束时仍未退出"))
            raise expect(False, value, f"{p.name} (pid {p.pid}) {how}"
                         + (f": {err}" if err else ""))
        raise expect(True, value)
    return check


def _lines(spec: CheckSpec, lab: str, lang: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        texts = o.texts("stdout")
        seen = [(x, sum(x.text in t for t in texts)) for x in spec.lines]
        wrong = [_t(lang, f"'{x.text}' {n}× (expected {x.count}×)",
                    f"'{x.text}' {n} 次（应为 {x.count} 次）") for x, n in seen if n != x.count]
        if wrong:
            raise expect(False, "; ".join(wrong), _t(lang, "printed: ", "输出：") + printed(o))
        raise expect(True, _t(lang, f"{len(spec.lines)} expected line(s) as required",
                              f"{len(spec.lines)} 项输出都符合要求"))
    return check


def _start_method(spec: CheckSpec, lab: str, lang: str) -> Callable[[Evidence, str], Outcome]:
    def check(ev: Evidence, method: str) -> Outcome:
        o = ev.one(lab, VARIANT, method)
        _no_child(o, lang)
        other = dodged(o, method)
        want = expected_method(o, method)
        if other:
            raise expect(False, _t(lang, f"{len(other)} child(ren) not started by {want}",
                                   f"{len(other)} 个子进程不是由 {want} 启动的"),
                         _t(lang, "the program changes the start method instead of working "
                                  f"under {want}: ",
                            f"程序改变了启动方法，而不是让它在 {want} 下正确运行：")
                         + ", ".join(other))
        raise expect(True, _t(lang, f"children started by {want}", f"子进程由 {want} 启动"))
    return check


def not_observed(o: Observation, method: str, lang: str) -> tuple[str, str]:
    """(value, evidence) of a check voided because its run did not use ``method``."""
    want = expected_method(o, method)
    return (_t(lang, f"not observed under {want}", f"没有在 {want} 下观察到"),
            _t(lang, "children were started by another method: ", "子进程由其他启动方法创建：")
            + ", ".join(dodged(o, method)))


_BUILDERS: dict[str, Builder] = {
    "runs_to_end": _runs_to_end,
    "no_bootstrap_error": _no_bootstrap_error,
    "children_ok": _children_ok,
    "lines": _lines,
    "start_method": _start_method,
}


def claims(exercise: Exercise, methods: tuple[str, ...],
           lang: str = "en") -> list[tuple[CheckSpec, Claim]]:
    """The behaviour checks of an exercise as claims judged under ``methods``."""
    lab = lab_of(exercise)
    return [
        (spec, Claim(id=f"{exercise.id}.{spec.kind}", lab=lab, source="exercise",
                     statement=statement(spec, "en"),
                     check=_BUILDERS[spec.kind](spec, lab, lang), methods=methods))
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


def static_guard(source: str, lang: str = "en") -> Outcome:
    try:
        found = module_level_starts(source)
    except SyntaxError as exc:
        return expect(False, _t(lang, "syntax error", "语法错误"), f"line {exc.lineno}: {exc.msg}")
    if found:
        return expect(False, _t(lang, f"{len(found)} call(s) at module level",
                                f"模块顶层有 {len(found)} 处调用"),
                      _t(lang, "runs again in every spawn/forkserver child: ",
                         "在每个 spawn/forkserver 子进程里会再次执行：") + ", ".join(found))
    return expect(True, _t(lang, "nothing started at module level", "模块顶层没有启动进程"))
