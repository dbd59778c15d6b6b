"""Claims the tutorial makes (labs 01–09), each quoted from it."""

from __future__ import annotations

import collections
import signal

from labkit.claims import (
    Claim,
    Evidence,
    Need,
    Outcome,
    Why,
    expect,
    fail,
    not_applicable,
    race,
)
from labkit.claims._facts import count, latencies, line, median, ms, number_after
from labkit.observation import Observation, OutputLine

POSIX = ("Linux", "Darwin")


def _order(o: Observation, first: str, then: str) -> bool | None:
    """True if the line with ``first`` was written before the one with ``then``."""
    a, b = o.first_line(first), o.first_line(then)
    if a is None or b is None:
        return None
    return a.t < b.t


def _exception_line(o: Observation, name: str) -> OutputLine | None:
    """The traceback's last line naming ``name`` (e.g. "queue.Full"), not an echoed source
    line that merely mentions it."""
    return next((x for x in o.lines("stderr") if x.text.strip().startswith(name)), None)


# -- 01 start a process -------------------------------------------------------------


def main_prints_first(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("01", "base", method)
    orders = [_order(o, "3、主", "1、alex is running") for o in runs]
    if None in orders:
        raise expect(False, "line missing", f"orders per run: {orders}")
    first = sum(bool(x) for x in orders)
    value = f"main first in {first}/{len(runs)} runs"
    if method != "spawn":
        # A forked child (directly, or by the fork server while start() waits for its
        # pid) can be scheduled before the parent prints: a race, seen both ways here.
        raise race(value, f"under {method} the order is a race")
    raise expect(first == len(runs), value, "tracer timestamps of '3、主' and the child's line")


def sleep_lets_child_first(ev: Evidence, method: str) -> Outcome:
    o = ev.one("01", "sleep", method)
    order = _order(o, "1、alex is running", "3、主")
    raise expect(order is True, f"child first: {order}", "time.sleep(1) after start()")


def subclass_runs_elsewhere(ev: Evidence, method: str) -> Outcome:
    o = ev.one("01", "subclass", method)
    ln = line(o, "1、进程1 is running")
    main = o.main
    kids = {p.pid: p for p in o.children}
    ok = main is not None and ln.pid != main.pid and ln.pid in kids and kids[ln.pid].name == "进程1"
    raise expect(ok, f"run() in pid {ln.pid}, main {main.pid if main else '?'}")


def run_in_parent(ev: Evidence, method: str) -> Outcome:
    o = ev.one("01", "run", method)
    running, done = line(o, "1、进程1 is running"), line(o, "2、进程1 is done")
    main_line = line(o, "3、主")
    main = o.main
    in_main = main is not None and running.pid == main.pid == main_line.pid
    serial = done.t < main_line.t
    value = (f"run() in pid {running.pid}, main {main.pid if main else '?'}, "
             f"{len(o.children)} children, '3、主' after '2、进程1 is done': {serial}")
    raise expect(in_main and serial and not o.children, value,
                 "p.run() is a plain call in the parent; only start() makes a process")


# -- 02 memory isolation --------------------------------------------------------------


def _isolation_lines(o: Observation) -> tuple[list[str], list[str]]:
    main = o.main
    if main is None or not o.children:
        raise fail("no main or child process traced", "no child traced")
    child = o.children[0]
    return (
        [x.text for x in o.lines("stdout", pid=child.pid)],
        [x.text for x in o.lines("stdout", pid=main.pid)],
    )


def isolated_n(ev: Evidence, method: str) -> Outcome:
    child, main = _isolation_lines(ev.one("02", "base", method))
    c = [t.split()[0] for t in child if t.split()]
    m = [t.split()[0] for t in main if len(t.split()) == 3]
    raise expect(c == ["0"] and m == ["100"], f"child n={c}, parent n={m}")


def alive_then_not(ev: Evidence, method: str) -> Outcome:
    _, main = _isolation_lines(ev.one("02", "base", method))
    flags = [t for t in main if t in ("True", "False")]
    raise expect(flags == ["True", "False"], f"is_alive: {', '.join(flags)}")


def printed_ppid(ev: Evidence, method: str) -> Outcome:
    o = ev.one("02", "base", method)
    child, _ = _isolation_lines(o)
    fields = child[0].split() if child else []
    if len(fields) != 3:
        raise fail(f"child line not 'n pid ppid': {child}", "missing line")
    ppid, parent = int(fields[2]), o.main.pid if o.main else -1
    value = f"printed ppid {ppid}, parent {parent}"
    if method == "forkserver":
        server = [p.pid for p in o.processes if p.role == "forkserver"]
        raise expect(ppid != parent, value + f", fork server {server}",
                     "under forkserver the child's parent is the fork server")
    raise expect(ppid == parent, value)


# -- 03 join ------------------------------------------------------------------------


def _join_total(o: Observation) -> float:
    return number_after(line(o, "主进程，").text, "主进程，")


def join_concurrent(ev: Evidence, method: str) -> Outcome:
    o = ev.one("03", "base", method)
    total = _join_total(o)
    # ≈ the longest sleep (3 s), far below the sum (6 s); generous on a busy machine.
    raise expect(3.0 <= total < 6.0, f"total {total:.2f} s (sleeps 1+2+3)")


def join_start_cost(ev: Evidence, method: str) -> Outcome:
    o = ev.one("03", "base", method)
    total = _join_total(o)
    lat = median(latencies(o))
    raise expect(total > 3.0, f"total {total:.2f} s, start {ms(lat)}",
                 "the part of the total above the 3 s sleep is the cost of starting")


def join_spawn_costlier(ev: Evidence, method: str) -> Outcome:
    mine = median(latencies(ev.one("03", "base", method)))
    fork = median(latencies(ev.one("03", "base", "fork")))
    ratio = mine / fork
    raise expect(ratio >= 2.0, f"{ms(mine)} vs fork {ms(fork)} (×{ratio:.1f})")


def join_serial_sum(ev: Evidence, method: str) -> Outcome:
    serial = _join_total(ev.one("03", "serial", method))
    concurrent = _join_total(ev.one("03", "base", method))
    o = ev.one("03", "serial", method)
    one_at_a_time = _order(o, "2、1 is done", "1、2 is running")
    ratio = serial / concurrent
    value = f"one at a time {serial:.2f} s vs all started first {concurrent:.2f} s (×{ratio:.1f})"
    # The sum of the sleeps is 6 s; 1.5× the concurrent total is a generous floor (≈2×).
    ok = serial >= 6.0 and ratio >= 1.5 and one_at_a_time is True
    raise expect(ok, value, "start() makes them concurrent; join() right after it waits")


# -- 04 terminate -------------------------------------------------------------------


def not_dead_at_once(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("04", "now", method)
    if runs[0].platform.get("system") not in POSIX:
        raise not_applicable(Why.RELEASE_DEPENDENT, "asserted on POSIX only: on Windows it "
                             "depends on the 3.11/3.12 patch release (gh-110036, gh-113009)")
    alive = sum(line(o, "after terminate:").text.endswith("True") for o in runs)
    # ~99% per run on POSIX (EXPECTATIONS): the majority of repeats is the reliable side.
    raise expect(alive * 2 > len(runs), f"alive right after terminate() in {alive}/{len(runs)}")


def dead_a_second_later(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("04", "now", method)
    later = [line(o, "1s later:").text.endswith("False") for o in runs]
    base = ev.one("04", "base", method)
    flags = [t for t in base.texts() if t in ("True", "False")]
    ok = all(later) and flags == ["True", "False"]
    raise expect(ok, f"dead 1 s later in {sum(later)}/{len(runs)}; tutorial lab printed {flags}")


def exitcode_sigterm(ev: Evidence, method: str) -> Outcome:
    o = ev.one("04", "base", method)
    child = o.children[0] if o.children else None
    if child is None:
        raise fail("no child traced", "no child traced")
    never_done = not o.has_text("2、lqx is done")
    ok = child.exitcode == -signal.SIGTERM and never_done
    raise expect(ok, f"exitcode {child.exitcode}, last print reached: {not never_done}")


def dies_within_ms(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("04", "poll", method)
    waits = [number_after(line(o, "dead after").text, "dead after") for o in runs]
    never_done = not any(o.has_text("2、lqx is done") for o in runs)
    value = f"dead {max(waits):.1f} ms after terminate() at most ({len(runs)} runs)"
    # Measured 1-10 ms alone on a loaded machine, up to ~250 ms with four images' labs
    # side by side on a busy core; 500 ms is generous and still half the second the
    # tutorial waits.
    raise expect(max(waits) < 500 and never_done, value,
                 "SIGTERM ends a sleeping child at once: milliseconds, not a long time")


# -- 05 daemon ----------------------------------------------------------------------


def daemon_no_children(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("05", "child", method)
    # The daemon can only try start() if it gets there before main's code ends (1 s
    # later) and kills it: on a loaded machine a spawn daemon may still be booting,
    # importing the main module or printing its traceback then, and is ended by SIGTERM.
    # Such a run says nothing about the claim, unless the daemon printed what only a
    # start() that let it go on prints. It is judged over the runs where it got to try.
    tried, broken = 0, []
    for o in runs:
        end = line(o, "主进程", "stdout")
        daemon = next((p for p in o.children if p.daemon), None)
        if daemon is None:
            raise fail("no daemon child traced", "no daemon")
        msg = o.first_line("daemonic processes are not allowed to have children", "stderr")
        went_on = o.has_text("is runing", "stdout") or o.has_text("bar", "stdout")
        if (daemon.started_t is None or daemon.started_t >= end.t
                or (daemon.exitcode == -signal.SIGTERM and not went_on)):
            continue
        tried += 1
        if msg is None or msg.pid not in (daemon.pid, None) or o.has_text("bar", "stdout"):
            broken.append(o.repeat)
    if not tried:
        raise fail(f"in none of {len(runs)} runs did the daemon boot before main's code "
                   "ended, so it never tried to start a child", f"0/{len(runs)} tried")
    value = f"AssertionError in the daemon in {tried - len(broken)}/{tried} runs"
    raise expect(not broken, value if not broken else value + " (no AssertionError)")


def daemon_dies_with_main(ev: Evidence, method: str) -> Outcome:
    o = ev.one("05", "base", method)
    daemon = next((p for p in o.children if p.daemon), None)
    ok = o.has_text("主进程") and not o.has_text("is end") and daemon is not None
    ok = ok and daemon.exitcode == -signal.SIGTERM  # type: ignore[union-attr]
    raise expect(ok, f"'is end' printed: {o.has_text('is end')}, daemon exitcode "
                     f"{daemon.exitcode if daemon else '?'}")


def daemon_123(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("05", "main_ends", method)
    for o in runs:
        line(o, "main____")  # a run without main's line is broken, not a sample of the race
    printed = sum(o.has_text("123", "stdout") for o in runs)
    value = f"123 printed in {printed}/{len(runs)}"
    if method != "spawn":
        # fork (and the fast forkserver of newer releases) can run the daemon first.
        raise race(value, f"a race under {method}")
    raise expect(printed == 0, value, "a spawn child cannot boot before main's code ends")


def non_daemon_finishes(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("05", "main_ends", method)
    ok = [o.has_text("456") and o.has_text("end456") and o.has_text("main____") for o in runs]
    raise expect(all(ok), f"456/end456 in {sum(ok)}/{len(runs)}")


def daemon_123_after_main(ev: Evidence, method: str) -> Outcome:
    runs = ev.runs("05", "main_ends", method)
    for o in runs:
        line(o, "main____")  # a run without main's line is broken, not evidence
    after = sum(_order(o, "main____", "123") is True for o in runs)
    value = f"123 after 'main____' in {after}/{len(runs)} runs"
    if method == "spawn":
        raise expect(after == 0, value, "a spawn daemon is terminated before it reaches foo()")
    raise race(value, f"under {method}: daemons are killed by the exit handler, after "
                      "main's code ends, not when 'main____' prints")


def daemon_lives_while_main_runs(ev: Evidence, method: str) -> Outcome:
    o = ev.one("05", "after_print", method)
    line(o, "main____")
    printed = o.has_text("123", "stdout")
    end_after = _order(o, "main____", "end")
    # 123 itself may beat 'main____' under fork (the daemon runs within a millisecond);
    # its 'end', a second later, cannot: the daemon lives on after 'main____'.
    value = (f"123 printed: {printed} (after 'main____': {_order(o, 'main____', '123')}), "
             f"'end' after 'main____': {end_after}")
    raise expect(printed and end_after is True, value,
                 "main's code still runs 2 s after 'main____': the daemon lives on")


def daemon_after_start(ev: Evidence, method: str) -> Outcome:
    o = ev.one("05", "after_start", method)
    err = _exception_line(o, "AssertionError")
    main = o.main
    child = o.children[0] if o.children else None
    said = err is not None and "process has already started" in err.text
    in_main = err is not None and main is not None and err.pid in (main.pid, None)
    finished = o.has_text("lqx is end", "stdout") and child is not None and child.exitcode == 0
    ok = said and in_main and o.exit_code == 1 and not o.has_text("主进程", "stdout") and finished
    raise expect(ok, f"{err.text.strip() if err else 'no AssertionError'}, main exit "
                     f"{o.exit_code}, child finished: {finished}",
                 "setting daemon after start() fails in main; the child runs on")


# -- 06 mutex -----------------------------------------------------------------------


def never_oversold(ev: Evidence, method: str) -> Outcome:
    o = ev.one("06", "base", method)
    sold = count(o, "购票成功")
    raise expect(sold == 1, f"{sold} sold of 1 ticket")


def oversold_without_lock(ev: Evidence, method: str) -> Outcome:
    o = ev.one("06", "nolock", method)
    sold = count(o, "购票成功")
    raise expect(sold > 1, f"{sold} sold of 1 ticket")


def lock_held_after_error(ev: Evidence, method: str) -> Outcome:
    o = ev.one("06", "no_finally", method)
    errors = [x for x in o.lines("stderr") if x.text.startswith("ConnectionError")]
    looked, sold = count(o, "查看余票为1"), count(o, "购票成功")
    value = (f"{len(errors)} error, {sold} sold, {looked}/10 saw the ticket, "
             f"timed out: {o.timed_out}")
    # Every buyer looked (before the Lock); the one who took it raised; the rest wait for
    # ever in acquire(), so only the watchdog ends the run.
    raise expect(len(errors) == 1 and sold == 0 and looked == 10 and o.timed_out, value,
                 "release() is never reached: the Lock stays taken")


# -- 07 queue -----------------------------------------------------------------------


def fifo(ev: Evidence, method: str) -> Outcome:
    o = ev.one("07", "base", method)
    got = o.texts()[:3]
    raise expect(got == ["first", "2", "{'count': 3}"], f"got {got}")


def empty_after_timeout(ev: Evidence, method: str) -> Outcome:
    o = ev.one("07", "base", method)
    last = line(o, "{'count': 3}", "stdout")
    err = _exception_line(o, "_queue.Empty") or _exception_line(o, "queue.Empty")
    if err is None:
        raise expect(False, "no queue.Empty")
    waited = err.t - last.t
    # Lower bound with clock slack; the ceiling is CPython's generous 30 s.
    raise expect(2.9 <= waited < 30, f"queue.Empty after {waited:.2f} s", err.text)


def full_raises(ev: Evidence, method: str) -> Outcome:
    o = ev.one("07", "full", method)
    err = _exception_line(o, "queue.Full")
    value = f"{err.text.strip()}, exit {o.exit_code}" if err else "no queue.Full"
    raise expect(err is not None and o.exit_code != 0, value, err.text if err else "")


def put_blocks(ev: Evidence, method: str) -> Outcome:
    o = ev.one("07", "put_block", method)
    printed = o.texts("stdout")
    raise expect(o.timed_out and not printed,
                 f"timed out: {o.timed_out} after {o.duration_s:.1f} s, printed {len(printed)} "
                 "lines", "put() on a full Queue(3) waits for a free slot for ever")


def put_timeout_full(ev: Evidence, method: str) -> Outcome:
    o = ev.one("07", "put_timeout", method)
    err = _exception_line(o, "queue.Full")
    if err is None:
        raise expect(False, "no queue.Full")
    began = o.main.started_t if o.main and o.main.started_t is not None else 0.0
    waited = err.t - began
    ok = 2.9 <= waited < 30 and o.exit_code == 1 and not o.texts("stdout")
    raise expect(ok, f"queue.Full after {waited:.2f} s, exit {o.exit_code}",
                 "put(block=True, timeout=3) on a full queue")


def get_nowait_empty(ev: Evidence, method: str) -> Outcome:
    o = ev.one("07", "get_nowait", method)
    got = o.texts()[:3]
    last = line(o, "{'count': 3}", "stdout")
    err = _exception_line(o, "_queue.Empty") or _exception_line(o, "queue.Empty")
    if err is None:
        raise expect(False, f"got {got}, no queue.Empty")
    waited = err.t - last.t
    # "At once": far below the 3 s of get(timeout=3); 1 s leaves room for a busy machine.
    ok = got == ["first", "2", "{'count': 3}"] and 0 <= waited < 1.0 and o.exit_code == 1
    raise expect(ok, f"queue.Empty {waited:.2f} s after the third value", err.text.strip())


# -- 08 producer–consumer with sentinels --------------------------------------------

PRODUCED_08 = collections.Counter(f"{food}{i}" for food in ("水", "食物") for i in range(3))


def _eaten(o: Observation, marker: str) -> collections.Counter:
    return collections.Counter(t.split(marker, 1)[1] for t in o.texts() if marker in t)


def each_consumed_once(ev: Evidence, method: str) -> Outcome:
    o = ev.one("08", "base", method)
    eaten = _eaten(o, "吃掉了")
    raise expect(eaten == PRODUCED_08, f"{sum(eaten.values())} eaten of 6",
                 f"eaten: {dict(eaten)}")


def consumers_stop(ev: Evidence, method: str) -> Outcome:
    o = ev.one("08", "base", method)
    codes = [p.exitcode for p in o.children]
    ok = not o.timed_out and o.exit_code == 0 and codes == [0] * 5
    raise expect(ok, f"ended by itself: {not o.timed_out}, exit codes {codes}")


def hangs_without_sentinel(ev: Evidence, method: str) -> Outcome:
    o = ev.one("08", "no_sentinel", method)
    eaten = sum(_eaten(o, "吃掉了").values())
    raise expect(o.timed_out and eaten == 6,
                 f"timed out: {o.timed_out} after {o.duration_s:.1f} s, {eaten} eaten")


# -- 09 JoinableQueue ----------------------------------------------------------------


def join_waits_for_task_done(ev: Evidence, method: str) -> Outcome:
    o = ev.one("09", "base", method)
    eaten = [x for x in o.lines("stdout") if " 吃掉 " in x.text]
    ends = [x for x in o.lines("stdout") if x.text == "主"]
    if not ends:
        raise expect(False, "'主' never printed")
    end = ends[-1]
    ok = len(eaten) == 6 and all(x.t < end.t for x in eaten)
    raise expect(ok, f"{len(eaten)} eaten before '主'")


def daemon_consumers_gone(ev: Evidence, method: str) -> Outcome:
    o = ev.one("09", "base", method)
    daemons = [p for p in o.children if p.daemon]
    codes = [p.exitcode for p in daemons]
    ok = len(daemons) == 3 and all(c == -signal.SIGTERM for c in codes) and not o.timed_out
    raise expect(ok, f"daemon consumers' exit codes {codes}")


CLAIMS: tuple[Claim, ...] = (
    Claim("seed.start.main_first", "01", "起进程是需要时间的，起的时间足够python把下面的代码运行完",
          "Main's print comes before the child's first line (reliable under spawn; a race "
          "under fork and forkserver, whose frequency is reported).", main_prints_first,
          needs=(Need("01", repeats=3),)),
    Claim("seed.start.sleep_child_first", "01", "在start()后面sleep(1)秒，会发现先执行第一个print.",
          "With sleep(1) after start(), the child prints first.", sleep_lets_child_first,
          needs=(Need("01", "sleep"),)),
    Claim("seed.start.subclass_other_pid", "01", "相等于p.run（），执行自定义进程的方法",
          "The subclass's run() runs in another process, named by the subclass.",
          subclass_runs_elsewhere,
          needs=(Need("01", "subclass"),)),
    Claim("seed.start.run_in_parent", "01", "p.start()  #相等于p.run（），执行自定义进程的方法",
          "Calling p.run() instead of p.start() runs run() in the parent's own pid, "
          "synchronously, and starts no process: start() and run() are not the same.",
          run_in_parent, needs=(Need("01", "run"),)),
    Claim("seed.isolation.n", "02", "使用pid验证进程和进程之间数据是相互隔离的",
          "The child sets its own n (0); the parent keeps 100.", isolated_n),
    Claim("seed.isolation.is_alive", "02", "判断p这个进程是否存活",
          "is_alive() is True before join() and False after.", alive_then_not),
    Claim("seed.isolation.ppid", "02", "n的值，子进程的pid，和子进程的父进程的pid",
          "The child's printed ppid is the parent's pid under fork and spawn, and not under "
          "forkserver (there it is the fork server).", printed_ppid),
    Claim("seed.join.concurrent", "03", "使用join方法实现并发执行",
          "start() makes the three children run at once and join() only waits for them: "
          "the total is about the longest sleep (3 s), not the sum (6 s).", join_concurrent),
    Claim("seed.join.start_cost", "03", "3.3秒，由此可以看到起一个进程是需要耗时的",
          "Starting processes costs time: the total exceeds the longest sleep.", join_start_cost),
    Claim("seed.join.spawn_costlier", "03", "起进程是需要耗时间的，并且很长",
          "A start costs at least twice as much under spawn as under fork (same run).",
          join_spawn_costlier, methods=("spawn",), needs=(Need("03"), Need("03", method="fork"))),
    Claim("seed.join.serial", "03", "使用join方法实现并发执行",
          "With join() right after each start() the children run one at a time: the total "
          "is about the sum of the sleeps (6 s), about twice the total when all are started "
          "first (same run).", join_serial_sum, needs=(Need("03", "serial"), Need("03"))),
    Claim("seed.terminate.not_dead_at_once", "04", "杀死子进程，这个是需要时间的",
          "Right after terminate() the child is still alive (POSIX).", not_dead_at_once,
          needs=(Need("04", "now", repeats=3),)),
    Claim("seed.terminate.dead_later", "04", "如果休息一秒，会发现子进程已经没了",
          "A second after terminate() the child is gone.", dead_a_second_later,
          needs=(Need("04", "now", repeats=3), Need("04"))),
    Claim("seed.terminate.dies_quickly", "04",
          "杀死进程也是给系统发起一个信号，需要比较长的时间才能把进程杀死",
          "After terminate() the child is dead within milliseconds (well under 500 ms, "
          "polled every millisecond), not after a long time.", dies_within_ms,
          needs=(Need("04", "poll", repeats=3),)),
    Claim("seed.terminate.exitcode", "04", "主动杀死进程",
          "After join(), exitcode == -SIGTERM and the child never reached its last print.",
          exitcode_sigterm),
    Claim("seed.daemon.no_children", "05", "开启守护进程，是不能在守护进程中再次开启子进程的",
          "A daemon cannot start a child: AssertionError 'daemonic processes are not "
          "allowed to have children'.", daemon_no_children,
          needs=(Need("05", "child", repeats=3),)),
    Claim("seed.daemon.dies_with_main", "05", "主进程的代码运行完毕以后守护进程就……会立马死掉",
          "The daemon dies when main's code ends: 'is end' never prints.", daemon_dies_with_main),
    Claim("seed.daemon.123", "05", "如果电脑运行过快……有可能就打印出来123",
          "'123' never prints under spawn; under fork (and fast fork servers) it is a race "
          "whose frequency is reported.", daemon_123,
          needs=(Need("05", "main_ends", repeats=3),)),
    Claim("seed.daemon.non_daemon_finishes", "05", "主进程需要等待非守护进程死掉后把pid给回收掉",
          "The non-daemon's '456' and 'end456' always print.", non_daemon_finishes,
          needs=(Need("05", "main_ends", repeats=3),)),
    Claim("seed.daemon.123_after_main", "05", "只要main__出现，123就不会出现了",
          "In the tutorial's script 123 can still print after 'main____' (the daemon is "
          "killed by the exit handler after main's code ends): never under spawn, a race "
          "under fork and forkserver whose frequency is reported.", daemon_123_after_main,
          needs=(Need("05", "main_ends", repeats=3),)),
    Claim("seed.daemon.lives_while_main_runs", "05", "只要main__出现，123就不会出现了",
          "When main's code goes on 2 s after 'main____', the daemon prints 123 and, a "
          "second later, 'end' after 'main____' under every method: it dies when main's "
          "code ends, not when 'main____' appears.", daemon_lives_while_main_runs,
          needs=(Need("05", "after_print"),)),
    Claim("seed.daemon.set_after_start", "05", "守护进程开启必须在开启进程之前",
          "Setting daemon after start() raises AssertionError 'process has already started' "
          "in main (exit code 1); the child, started as a non-daemon, still runs to its end.",
          daemon_after_start, needs=(Need("05", "after_start"),)),
    Claim("seed.mutex.never_oversold", "06", "使用互斥锁把并发改为串行……保证数据的安全性",
          "With the Lock passed in, one ticket is sold once.", never_oversold),
    Claim("seed.mutex.oversold_without_lock", "06", "如果并发执行，会导致数据文件修改紊乱的问题",
          "Without the Lock, one ticket is sold more than once.", oversold_without_lock,
          needs=(Need("06", "nolock"),)),
    Claim("seed.mutex.held_after_error", "06", "一个进程一个进程的去修改数据文件",
          "With acquire()/release() and no try/finally, an error while holding the Lock "
          "leaves it taken: the other nine buyers wait for ever and the watchdog ends the "
          "run.", lock_held_after_error, needs=(Need("06", "no_finally"),)),
    Claim("seed.queue.fifo", "07", "从队列中取出一个值",
          "Items come out in the order they went in.", fifo),
    Claim("seed.queue.empty_timeout", "07", "发生阻塞的时候等待3秒主动抛出一个异常queue.Empty",
          "get(timeout=3) on an empty queue raises queue.Empty after about 3 s.",
          empty_after_timeout),
    Claim("seed.queue.full", "07", "发生阻塞的时候主动抛出一个异常queue.Full",
          "put_nowait() on a full Queue(3) raises queue.Full.", full_raises,
          needs=(Need("07", "full"),)),
    Claim("seed.queue.put_blocks", "07", "如果添加值的个数超出队列长度，会发生队列阻塞",
          "put() on a full Queue(3) blocks for ever: nothing after it runs, the watchdog ends "
          "the run.", put_blocks, needs=(Need("07", "put_block"),)),
    Claim("seed.queue.put_timeout", "07", "发生阻塞的时候等待3秒主动抛出一个异常queue.Full",
          "put(block=True, timeout=3) on a full queue raises queue.Full after about 3 s.",
          put_timeout_full, needs=(Need("07", "put_timeout"),)),
    Claim("seed.queue.get_nowait", "07", "如果队列为空，会主动抛出一个异常 queue.Empty",
          "get(block=False) on an empty queue raises queue.Empty at once (well under 1 s).",
          get_nowait_empty, needs=(Need("07", "get_nowait"),)),
    Claim("seed.pc.each_once", "08", "生产多少消费多少",
          "Every item produced is consumed exactly once.", each_consumed_once),
    Claim("seed.pc.consumers_stop", "08", "当消费者取到空的时候，break掉循环",
          "Consumers stop at None and the program ends by itself.", consumers_stop),
    Claim("seed.pc.no_sentinel_hangs", "08", "会一直处于死循环中，一直卡在c.get()这一步",
          "Without sentinels the consumers wait forever; the watchdog ends the run.",
          hangs_without_sentinel,
          needs=(Need("08", "no_sentinel"),)),
    Claim("seed.joinable.join_waits", "09", "主进程可以暂停，等待队列结束",
          "q.join() returns only after every item's task_done(): '主' comes last.",
          join_waits_for_task_done),
    Claim("seed.joinable.daemons_gone", "09", "把消费者设置为守护进程",
          "The daemon consumers are terminated when main ends.", daemon_consumers_gone),
)
