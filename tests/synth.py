"""Synthetic Observations for claim unit tests: a small builder, the run each lab variant
makes when it behaves as documented (``good``), and mutators that break one thing.

Nothing here runs a process: the claims are judged on hand-made evidence, so every claim
can be shown to pass on the documented behaviour and to fail on a counter-example.
"""

from __future__ import annotations

import dataclasses
import signal
from collections.abc import Callable

from labkit.observation import Observation, OutputLine, ProcessRecord

MAIN = 1000
SERVER = 900  # the fork server's pid
TERM = -signal.SIGTERM

# One start latency per method (seconds): fork ≪ forkserver's later starts ≪ spawn.
LATENCY = {"fork": 0.001, "spawn": 0.060, "forkserver": 0.003, "default": 0.001}
FIRST_FORKSERVER = 0.080  # the first forkserver start launches the server


class Run:
    """One Observation, written line by line."""

    def __init__(self, lab: str, variant: str, method: str, repeat: int = 0,
                 python: str = "3.11.7", system: str = "Linux") -> None:
        self.lab, self.variant, self.method, self.repeat = lab, variant, method, repeat
        self.python, self.system = python, system
        self.procs: list[ProcessRecord] = [
            ProcessRecord(MAIN, 1, "MainProcess", "main", started_t=0.05, ended_t=None)]
        self.lines: list[OutputLine] = []
        self._next_pid = MAIN + 1
        self._t = 0.1  # a clock for lines written without an explicit time

    def child(self, name: str = "", requested: float = 0.1, latency: float | None = None,
              exitcode: int | None = 0, daemon: bool = False, ended: float | None = None,
              parent: int = MAIN, method: str | None = None) -> int:
        pid = self._next_pid
        self._next_pid += 1
        how = method or self.method
        lat = LATENCY.get(how, 0.001) if latency is None else latency
        ppid = SERVER if how == "forkserver" else parent
        self.procs.append(ProcessRecord(
            pid, ppid, name or f"Process-{pid - MAIN}", "child", daemon=daemon,
            parent_pid=parent, method=how, start_requested_t=requested,
            started_t=requested + lat, ended_t=ended, exitcode=exitcode))
        return pid

    def server(self) -> None:
        self.procs.append(ProcessRecord(SERVER, MAIN, "forkserver", "forkserver",
                                        started_t=0.12))

    def out(self, text: str, t: float | None = None, pid: int | None = MAIN,
            stream: str = "stdout") -> Run:
        if t is None:
            self._t += 0.01
            t = self._t
        self.lines.append(OutputLine(t, pid, stream, text))
        return self

    def err(self, text: str, t: float | None = None, pid: int | None = MAIN) -> Run:
        return self.out(text, t, pid, "stderr")

    def traceback(self, last: str, t: float | None = None, pid: int | None = MAIN) -> Run:
        self.err("Traceback (most recent call last):", t, pid)
        self.err('  File "x.py", line 1, in <module>', t, pid)
        return self.err(last, t, pid)

    def build(self, exit_code: int | None = 0, timed_out: bool = False,
              duration: float | None = None) -> Observation:
        lines = tuple(sorted(self.lines, key=lambda x: x.t))
        end = duration if duration is not None else max([x.t for x in lines] + [0.5]) + 0.05
        return Observation(
            lab=self.lab, variant=self.variant, script=f"labs/{self.lab}.py",
            start_method=None if self.method == "default" else self.method,
            requested_start_method=self.method,
            default_start_method="fork" if self.system == "Linux" else "spawn",
            available_start_methods=("fork", "spawn", "forkserver"),
            python={"version": self.python, "implementation": "cpython"},
            platform={"system": self.system, "release": "synthetic", "machine": "x86_64"},
            exit_code=exit_code, timed_out=timed_out, duration_s=end,
            output=lines, processes=tuple(self.procs), kit_version="synthetic",
            run_id=f"{self.lab}-{self.variant}-{self.method}-{self.repeat}",
            repeat=self.repeat)


def effective(method: str) -> str:
    return "fork" if method == "default" else method  # Linux, CPython 3.11


# -- the documented behaviour of every lab variant --------------------------------------


def lab01(method: str, repeat: int = 0, child_first: bool = False) -> Observation:
    r = Run("01", "base", method, repeat)
    kid = r.child("Process-1")
    main_t, kid_t = (0.2, 0.15) if child_first else (0.15, 0.2)
    r.out("3、主", main_t).out("1、alex is running", kid_t, kid)
    r.out("2、alex is done", 5.2, kid)
    return r.build()


def lab01_sleep(method: str) -> Observation:
    r = Run("01", "sleep", method)
    kid = r.child()
    r.out("1、alex is running", 0.2, kid).out("3、主", 1.1).out("2、alex is done", 5.2, kid)
    return r.build()


def lab01_subclass(method: str) -> Observation:
    r = Run("01", "subclass", method)
    kid = r.child("进程1")
    r.out("1、进程1 is running", 0.2, kid).out("2、进程1 is done", 3.2, kid)
    return r.build()


def lab01_run(method: str) -> Observation:
    r = Run("01", "run", method)
    r.out(f"1、进程1 is running run() in pid {MAIN}", 0.1)
    r.out("2、进程1 is done", 3.1).out(f"3、主 main pid {MAIN}", 3.11)
    return r.build()


def lab02(method: str) -> Observation:
    r = Run("02", "base", method)
    if method == "forkserver":
        r.server()
    kid = r.child()
    ppid = SERVER if method == "forkserver" else MAIN
    r.out("True", 0.12).out(f"0 {kid} {ppid}", 1.2, kid).out("False", 1.25)
    r.out(f"100 {MAIN} 1", 1.26)
    return r.build()


def lab03(method: str, total: float | None = None) -> Observation:
    r = Run("03", "base", method)
    lat = LATENCY[method]
    kids = [r.child(requested=0.1 + i * lat) for i in range(3)]
    for i, kid in enumerate(kids, 1):
        r.out(f"1、{i} is running {kid} {MAIN}", 0.15 + i * 0.001, kid)
        r.out(f"2、{i} is done {kid} {MAIN}", 0.15 + i, kid)
    total = 3.0 + 3 * lat + 0.02 if total is None else total
    r.out(f"主进程，{total} {MAIN} 1", 3.3)
    return r.build()


def lab03_serial(method: str, total: float | None = None) -> Observation:
    r = Run("03", "serial", method)
    t = 0.1
    for i in (1, 2, 3):
        kid = r.child(requested=t)
        r.out(f"1、{i} is running {kid} {MAIN}", t + 0.01, kid)
        t += i + 0.02
        r.out(f"2、{i} is done {kid} {MAIN}", t, kid)
    total = t if total is None else total
    r.out(f"主进程，{total} {MAIN} 1", t + 0.01)
    return r.build()


def lab04(method: str) -> Observation:
    r = Run("04", "base", method)
    kid = r.child(exitcode=TERM)
    r.out(f"1、lqx is running {kid} {MAIN}", 0.12, kid).out("True", 1.1).out("False", 2.1)
    r.out(f"3、主进程 2.05 {MAIN} 1", 2.15)
    return r.build()


def lab04_now(method: str, repeat: int = 0, alive: bool = True) -> Observation:
    r = Run("04", "now", method, repeat)
    kid = r.child(exitcode=TERM)
    r.out(f"1、lqx is running {kid} {MAIN}", 0.12, kid)
    r.out(f"after terminate: {alive}", 1.1).out("1s later: False", 2.1)
    r.out("exitcode: -15", 2.11)
    return r.build()


def lab04_poll(method: str, repeat: int = 0, ms: float = 1.2) -> Observation:
    r = Run("04", "poll", method, repeat)
    kid = r.child(exitcode=TERM, ended=1.102)
    r.out(f"1、lqx is running {kid} {MAIN}", 0.12, kid).out("True", 1.1)
    r.out(f"dead after {ms:.1f} ms", 1.103).out(f"3、主进程 1.01 {MAIN} 1", 1.104)
    return r.build()


def lab05(method: str) -> Observation:
    r = Run("05", "base", method)
    kid = r.child(daemon=True, exitcode=TERM)
    r.out("lqx is runing", 0.2, kid).out("主进程", 1.1)
    return r.build()


def lab05_child(method: str, repeat: int = 0) -> Observation:
    r = Run("05", "child", method, repeat)
    kid = r.child(daemon=True, exitcode=1)
    r.traceback("AssertionError: daemonic processes are not allowed to have children",
                0.2, kid)
    r.out("主进程", 1.1)
    return r.build()


def lab05_main_ends(method: str, repeat: int = 0, printed_123: bool | None = None,
                    after_main: bool = False) -> Observation:
    r = Run("05", "main_ends", method, repeat)
    daemon = r.child(daemon=True, exitcode=TERM)
    other = r.child(requested=0.11)
    r.out("main____", 0.12)
    if printed_123 is None:
        printed_123 = method != "spawn" and repeat == 0
    if printed_123 or after_main:
        r.out("123", 0.125 if after_main else 0.115, daemon)
    r.out("456", 0.13, other).out("end456", 2.13, other)
    return r.build()


def lab05_after_print(method: str) -> Observation:
    r = Run("05", "after_print", method)
    daemon = r.child(daemon=True, exitcode=TERM)
    other = r.child(requested=0.11)
    r.out("main____", 0.12).out("123", 0.18, daemon).out("456", 0.19, other)
    r.out("end", 1.18, daemon).out("end456", 2.19, other)
    return r.build()


def lab05_after_start(method: str) -> Observation:
    r = Run("05", "after_start", method)
    kid = r.child()
    r.out("lqx is runing", 0.2, kid)
    r.err("    assert self._popen is None, 'process has already started'", 0.15)
    r.err("AssertionError: process has already started", 0.15)
    r.out("lqx is end", 2.2, kid)
    return r.build(exit_code=1)


def lab06(method: str, sold: int = 1) -> Observation:
    r = Run("06", "base", method)
    kids = [r.child(requested=0.1 + i * 0.01) for i in range(10)]
    for i, kid in enumerate(kids):
        r.out(f"{kid} 查看余票为{1 if i < 5 else 0}", 1.2 + i * 0.01, kid)
    for kid in kids[:sold]:
        r.out(f"{kid} 购票成功！", 1.5, kid)
    return r.build()


def lab06_nolock(method: str, sold: int = 4) -> Observation:
    r = Run("06", "nolock", method)
    kids = [r.child(requested=0.1 + i * 0.01) for i in range(10)]
    for kid in kids:
        r.out(f"{kid} 查看余票为1", 1.2, kid)
    for kid in kids[:sold]:
        r.out(f"{kid} 购票成功！", 1.5, kid)
    return r.build()


def lab06_no_finally(method: str) -> Observation:
    r = Run("06", "no_finally", method)
    kids = [r.child(requested=0.1 + i * 0.01, exitcode=None) for i in range(10)]
    for kid in kids:
        r.out(f"{kid} 查看余票为1", 1.2, kid)
    r.err("    raise ConnectionError('支付失败 / payment failed')", 1.3, kids[0])
    r.err("ConnectionError: 支付失败 / payment failed", 1.3, kids[0])
    return r.build(exit_code=None, timed_out=True, duration=8.0)


def _three(r: Run) -> Run:
    return r.out("first", 0.1).out("2", 0.11).out("{'count': 3}", 0.12)


def lab07(method: str) -> Observation:
    r = _three(Run("07", "base", method))
    r.traceback("_queue.Empty", 3.13)
    return r.build(exit_code=1)


def lab07_full(method: str) -> Observation:
    r = Run("07", "full", method)
    r.traceback("queue.Full", 0.1)
    return r.build(exit_code=1)


def lab07_put_block(method: str) -> Observation:
    return Run("07", "put_block", method).build(exit_code=None, timed_out=True, duration=5.0)


def lab07_put_timeout(method: str, at: float = 3.08) -> Observation:
    r = Run("07", "put_timeout", method)
    r.err("    q.put('fourth',block=True,timeout=3)   #...queue.Full", at)
    r.err("queue.Full", at)
    return r.build(exit_code=1)


def lab07_get_nowait(method: str, at: float = 0.125) -> Observation:
    r = _three(Run("07", "get_nowait", method))
    r.traceback("_queue.Empty", at)
    return r.build(exit_code=1)


FOODS = [f"{food}{i}" for food in ("水", "食物") for i in range(3)]


def lab08(method: str) -> Observation:
    r = Run("08", "base", method)
    kids = [r.child(requested=0.1 + i * 0.01) for i in range(5)]
    for i, food in enumerate(FOODS):
        r.out(f"厨师lqx生产{food}", 1.0 + i, kids[0])
        r.out(f"吃货dog吃掉了{food}", 2.0 + i, kids[2])
    r.out("主", 6.5)
    return r.build()


def lab08_no_sentinel(method: str) -> Observation:
    r = Run("08", "no_sentinel", method)
    kids = [r.child(requested=0.1 + i * 0.01, exitcode=None) for i in range(5)]
    for i, food in enumerate(FOODS):
        r.out(f"吃货dog吃掉了{food}", 2.0 + i, kids[2])
    return r.build(exit_code=None, timed_out=True, duration=15.0)


def lab09(method: str) -> Observation:
    r = Run("09", "base", method)
    r.child(), r.child()
    consumers = [r.child(daemon=True, exitcode=TERM) for _ in range(3)]
    for i in range(6):
        r.out(f"dog 吃掉 lqx 骨头{i}", 2.0 + i, consumers[i % 3])
    r.out("主", 8.5)
    return r.build()


def lab10(method: str) -> Observation:
    r = Run("10", "base", method)
    how = effective(method)
    if how == "fork":
        kid = r.child()
        r.out(f"child running {kid}", 0.2, kid).out("main done, child exitcode 0", 0.3)
        return r.build()
    kid = r.child(exitcode=1, method=how)
    r.traceback("RuntimeError: An attempt has been made to start a new process before "
                "the current process has finished its bootstrapping phase.", 0.3, kid)
    r.out("main done, child exitcode 1", 0.4)
    return r.build()


def lab10_pool(method: str) -> Observation:
    r = Run("10", "pool", method)
    if effective(method) == "fork":
        r.child(), r.child()
        r.out("pool result [0, 1, 4, 9]", 0.3)
        return r.build()
    return r.build(exit_code=None, timed_out=True, duration=10.0)


def lab11(method: str, python: str = "3.11.7") -> Observation:
    r = Run("11", "base", method, python=python)
    kids = [r.child(), r.child(requested=0.11)]
    r.out(f"module level code runs in __main__ {MAIN}", 0.05)
    preload = method == "forkserver" and python >= "3.14.1"
    if method == "spawn" or (method == "forkserver" and not preload):
        for kid in kids:
            r.out(f"module level code runs in __mp_main__ {kid}", 0.15, kid)
    if preload:
        r.out(f"module level code runs in __mp_main__ {SERVER}", 0.15, SERVER)
    for kid in kids:
        r.out(f"child {kid}", 0.2, kid)
    return r.build()


def lab12(method: str) -> Observation:
    r = Run("12", "base", method)
    kid = r.child()
    seen = "set in main" if method == "fork" else "original"
    r.out(f"child sees value = {seen}", 0.2, kid)
    return r.build()


def lab13(method: str) -> Observation:
    r = Run("13", "base", method)
    if method == "fork":
        kid = r.child()
        r.out("lambda target ran", 0.2, kid)
        r.out("lambda: ran, exitcode 0", 0.3).out("nested: ran, exitcode 0", 0.4)
    else:
        r.out("lambda: failed in parent: PicklingError: Can't pickle <function <lambda>>", 0.2)
        r.out("nested: failed in parent: AttributeError: Can't get local object "
              "'main.<locals>.nested'", 0.3)
    return r.build()


def lab14(method: str, first: float | None = None, later: float | None = None,
          bare: float = 0.020) -> Observation:
    r = Run("14", "base", method)
    lat = LATENCY[method] if later is None else later
    if first is None:
        first = FIRST_FORKSERVER if method == "forkserver" else lat
    r.out(f"bare interpreter start: {bare * 1000:.1f} ms", 0.05)
    for i in range(5):
        r.child(requested=0.1 + i * 0.2, latency=first if i == 0 else lat)
    return r.build()


def lab15(method: str, counter: int | None = None, python: str = "3.11.7") -> Observation:
    r = Run("15", "base", method, python=python)
    for i in range(4):
        r.child(requested=0.1 + i * 0.01)
    if counter is None:
        preload = method == "forkserver" and python >= "3.14.1"
        counter = 800 if method == "fork" or preload else 611
    r.out(f"counter = {counter} / 800", 2.0)
    return r.build()


def lab15_passed(method: str, counter: int = 800) -> Observation:
    r = Run("15", "passed", method)
    for i in range(4):
        r.child(requested=0.1 + i * 0.01)
    r.out(f"counter = {counter} / 800", 2.0)
    return r.build()


def lab16(method: str, system: str = "Linux", python: str = "3.11.7",
          listed: str | None = None) -> Observation:
    r = Run("16", "base", method, python=python, system=system)
    default = {"Windows": "spawn", "Darwin": "spawn"}.get(
        system, "forkserver" if python >= "3.14" else "fork")
    shown = default if method == "default" else method
    if listed is None:
        others = [m for m in ("fork", "spawn", "forkserver") if m != default]
        listed = repr([default] + others)
    kid = r.child(method=shown)
    r.out(f"default start method: {shown}", 0.1).out(f"all start methods: {listed}", 0.11)
    r.out(f"platform: linux python {python}", 0.12).out("child ran", 0.2, kid)
    return r.build()


def lab17(method: str) -> Observation:
    r = Run("17", "base", method)
    r.child()
    r.out("alive after join(timeout=3): True", 3.2)
    r.out("after get: alive False, exitcode 0", 3.3)
    return r.build()


GOOD: dict[tuple[str, str], Callable[..., Observation]] = {
    ("01", "base"): lab01, ("01", "sleep"): lab01_sleep, ("01", "subclass"): lab01_subclass,
    ("01", "run"): lab01_run, ("02", "base"): lab02, ("03", "base"): lab03,
    ("03", "serial"): lab03_serial, ("04", "base"): lab04, ("04", "now"): lab04_now,
    ("04", "poll"): lab04_poll,
    ("05", "base"): lab05, ("05", "child"): lab05_child, ("05", "main_ends"): lab05_main_ends,
    ("05", "after_print"): lab05_after_print, ("05", "after_start"): lab05_after_start,
    ("06", "base"): lab06, ("06", "nolock"): lab06_nolock,
    ("06", "no_finally"): lab06_no_finally, ("07", "base"): lab07, ("07", "full"): lab07_full,
    ("07", "put_block"): lab07_put_block, ("07", "put_timeout"): lab07_put_timeout,
    ("07", "get_nowait"): lab07_get_nowait, ("08", "base"): lab08,
    ("08", "no_sentinel"): lab08_no_sentinel, ("09", "base"): lab09, ("10", "base"): lab10,
    ("10", "pool"): lab10_pool, ("11", "base"): lab11, ("12", "base"): lab12,
    ("13", "base"): lab13, ("14", "base"): lab14, ("15", "base"): lab15,
    ("15", "passed"): lab15_passed, ("16", "base"): lab16, ("17", "base"): lab17,
}


def good(lab: str, variant: str, method: str, repeats: int = 1) -> list[Observation]:
    """Every repeat of one lab variant under one method, as documented."""
    make = GOOD[(lab, variant)]
    if repeats > 1:
        return [make(method, repeat=i) for i in range(repeats)]
    return [make(method)]


# -- mutators: break one thing in the runs of one lab variant ----------------------------

Mutation = Callable[[Observation], Observation]


def drop(needle: str) -> Mutation:
    """The lines containing ``needle`` are gone (a lab whose printed text changed)."""
    def f(o: Observation) -> Observation:
        return dataclasses.replace(o, output=tuple(x for x in o.output if needle not in x.text))
    return f


def retext(old: str, new: str) -> Mutation:
    def f(o: Observation) -> Observation:
        return dataclasses.replace(o, output=tuple(
            dataclasses.replace(x, text=x.text.replace(old, new)) for x in o.output))
    return f


def move(needle: str, t: float) -> Mutation:
    """The line containing ``needle`` is written at time ``t`` instead."""
    def f(o: Observation) -> Observation:
        lines = [dataclasses.replace(x, t=t) if needle in x.text else x for x in o.output]
        return dataclasses.replace(o, output=tuple(sorted(lines, key=lambda x: x.t)))
    return f


def add(text: str, t: float, pid: int | None = MAIN, stream: str = "stdout") -> Mutation:
    def f(o: Observation) -> Observation:
        lines = [*o.output, OutputLine(t, pid, stream, text)]
        return dataclasses.replace(o, output=tuple(sorted(lines, key=lambda x: x.t)))
    return f


def rerun(**fields: object) -> Mutation:
    """Other run-level facts: exit_code, timed_out, duration_s..."""
    def f(o: Observation) -> Observation:
        return dataclasses.replace(o, **fields)  # type: ignore[arg-type]
    return f


def children(**fields: object) -> Mutation:
    """Every child record changed, e.g. exitcode=1, daemon=False."""
    def f(o: Observation) -> Observation:
        procs = tuple(dataclasses.replace(p, **fields) if p.role == "child" else p  # type: ignore[arg-type]
                      for p in o.processes)
        return dataclasses.replace(o, processes=procs)
    return f


def add_child() -> Mutation:
    """One more child process in the record."""
    def f(o: Observation) -> Observation:
        kid = ProcessRecord(4242, MAIN, "Process-9", "child", parent_pid=MAIN,
                            start_requested_t=0.1, started_t=0.11, exitcode=0)
        return dataclasses.replace(o, processes=(*o.processes, kid))
    return f


def no_children() -> Mutation:
    """The tracer saw no child (child tracing broken)."""
    def f(o: Observation) -> Observation:
        return dataclasses.replace(o, processes=tuple(p for p in o.processes if p.role != "child"))
    return f


def repid(needle: str, pid: int | None) -> Mutation:
    """The line containing ``needle`` was written by another process."""
    def f(o: Observation) -> Observation:
        return dataclasses.replace(o, output=tuple(
            dataclasses.replace(x, pid=pid) if needle in x.text else x for x in o.output))
    return f


def latency(seconds: float) -> Mutation:
    """Every child started ``seconds`` after its start() was called."""
    def f(o: Observation) -> Observation:
        procs = tuple(
            dataclasses.replace(p, started_t=p.start_requested_t + seconds)
            if p.role == "child" and p.start_requested_t is not None else p
            for p in o.processes)
        return dataclasses.replace(o, processes=procs)
    return f


def both(*mutations: Mutation) -> Mutation:
    def f(o: Observation) -> Observation:
        for m in mutations:
            o = m(o)
        return o
    return f


def replace_run(make: Callable[[str], Observation]) -> Mutation:
    """The run replaced by another made for the same method (e.g. another total)."""
    def f(o: Observation) -> Observation:
        return dataclasses.replace(make(o.requested_start_method), repeat=o.repeat)
    return f
