"""The kit's own claims (labs 10–17): what the tutorial does not show."""

from __future__ import annotations

import re

from labkit.claims import Claim, Evidence, Need, Outcome, expect, fail
from labkit.claims._facts import (
    count,
    effective_method,
    latencies,
    line,
    median,
    ms,
    number_after,
    py_version,
)
from labkit.observation import Observation

ALL = ("fork", "spawn", "forkserver")
WITH_DEFAULT = ALL + ("default",)
BOOTSTRAP = "bootstrapping phase"


def _release(o: Observation) -> tuple[int, int, int]:
    """CPython's x.y.z from the Observation ("3.15.0a2" -> (3, 15, 0))."""
    parts = [re.match(r"\d+", x) for x in o.python.get("version", "0.0.0").split(".")[:3]]
    nums = [int(m.group()) if m else 0 for m in parts] + [0, 0, 0]
    return nums[0], nums[1], nums[2]


def preloads_main(o: Observation) -> bool:
    """The fork server imports the main module itself before forking children from
    3.13.8 and 3.14.1 on (gh-126631); no release before did."""
    release = _release(o)
    return release >= (3, 14, 1) or (3, 13, 8) <= release < (3, 14, 0)


def preload_error_kills_server(o: Observation) -> bool:
    """Where the fork server preloads the main module, an error in it (an unguarded
    ``p.start()``) killed the server up to 3.14; from 3.15 ``set_forkserver_preload()``
    ignores it by default (``on_error='ignore'``, gh-141860) and each child then imports
    the script itself, as before the preload existed."""
    return preloads_main(o) and _release(o) < (3, 15, 0)


# -- 10 the __main__ guard ----------------------------------------------------------


def unguarded(ev: Evidence, method: str) -> Outcome:
    o = ev.one("10", "base", method)
    how = effective_method(o, method)
    ran = o.has_text("child running", "stdout")
    child = o.children[0] if o.children else None
    code = child.exitcode if child else None
    value = f"[{how}] child ran: {ran}, child exit {code}, main exit {o.exit_code}"
    if how == "fork":
        raise expect(ran and code == 0 and o.exit_code == 0, value)
    if how == "spawn":
        # The child dies re-importing the script; the parent goes on.
        ok = (not ran and code == 1 and o.has_text(BOOTSTRAP, "stderr")
              and o.has_text("main done", "stdout"))
        raise expect(ok, value, "RuntimeError: ... bootstrapping phase ... in the child")
    if preload_error_kills_server(o):
        # The fork server imports the script itself and dies on its p.start(); the
        # parent's start() then fails (ConnectionResetError / EOFError).
        ok = (not ran and o.exit_code not in (0, None) and o.has_text(BOOTSTRAP, "stderr")
              and not o.has_text("main done", "stdout"))
        raise expect(ok, value, "the fork server dies preloading the script (3.13.8+, "
                     "3.14.1+ before 3.15: gh-126631) and the parent fails in start()")
    ok = (not ran and code == 1 and o.has_text(BOOTSTRAP, "stderr")
          and o.has_text("main done", "stdout"))
    raise expect(ok, value, "no preload before 3.13.8 / 3.14.1, and from 3.15 a failed preload "
                 "is ignored: the child dies like spawn's")


def unguarded_pool(ev: Evidence, method: str) -> Outcome:
    o = ev.one("10", "pool", method)
    how = effective_method(o, method)
    done = o.has_text("pool result [0, 1, 4, 9]", "stdout")
    value = f"[{how}] result: {done}, timed out: {o.timed_out}"
    if how == "fork":
        raise expect(done and not o.timed_out, value)
    if how == "forkserver" and preload_error_kills_server(o):
        raise expect(not done and not o.timed_out and o.exit_code not in (0, None), value,
                     "the fork server dies preloading the script (3.13.8+, 3.14.1+, before "
                     "3.15): the parent fails at once")
    raise expect(not done and o.timed_out, value,
                 "workers die re-importing the script and are replaced for ever: the watchdog "
                 "ends it")


# -- 11 main re-import --------------------------------------------------------------


def module_code_runs(ev: Evidence, method: str) -> Outcome:
    o = ev.one("11", "base", method)
    n = count(o, "module level code runs in")
    mp_main = count(o, "module level code runs in __mp_main__")
    kids = len(o.children)
    value = f"module code ran {n}× ({mp_main}× as __mp_main__), {kids} children"
    if method == "fork":
        raise expect(n == 1, value)
    if method == "spawn":
        raise expect(n == 1 + kids and mp_main == kids, value)
    if preloads_main(o):
        raise expect(n == 2 and mp_main == 1, value,
                     "the fork server preloads it once (3.13.8+, 3.14.1+: gh-126631)")
    raise expect(n == 1 + kids and mp_main == kids, value,
                 "no preload before 3.13.8 / 3.14.1: each child imports it, like spawn")


# -- 12 globals set in main ---------------------------------------------------------


def globals_seen(ev: Evidence, method: str) -> Outcome:
    o = ev.one("12", "base", method)
    seen = line(o, "child sees value =").text.split("=", 1)[1].strip()
    want = "set in main" if method == "fork" else "original"
    raise expect(seen == want, f"child sees {seen!r}")


# -- 13 pickling targets ------------------------------------------------------------


def local_targets(ev: Evidence, method: str) -> Outcome:
    o = ev.one("13", "base", method)
    results = {label: line(o, f"{label}: ").text for label in ("lambda", "nested")}
    if method == "fork":
        ok = all(": ran" in t for t in results.values()) and o.has_text("lambda target ran")
    else:
        ok = all(
            "failed in parent" in t and re.search(r"pickl|local object", t, re.I)
            for t in results.values()
        )
    short = "; ".join(
        f"{label}: ran" if ": ran" in t else f"{label}: {t.split(':', 2)[-1].split()[0]} in parent"
        for label, t in results.items()
    )
    raise expect(ok, short, "; ".join(results.values()))


# -- 14 start latency ---------------------------------------------------------------


def _later(o: Observation) -> tuple[float, float]:
    lat = latencies(o)
    if len(lat) < 3:
        raise fail(f"only {len(lat)} starts traced, 3 needed", "starts missing")
    return lat[0], median(lat[1:])


def spawn_over_fork(ev: Evidence, method: str) -> Outcome:
    _, spawn = _later(ev.one("14", "base", "spawn"))
    _, fork = _later(ev.one("14", "base", "fork"))
    ratio = spawn / fork
    # Measured 10–40× on 2 cores; 3× leaves room for a noisy machine.
    raise expect(ratio >= 3.0, f"spawn {ms(spawn)} / fork {ms(fork)} = ×{ratio:.1f}")


def forkserver_first_slow(ev: Evidence, method: str) -> Outcome:
    first, later = _later(ev.one("14", "base", "forkserver"))
    ratio = first / later
    raise expect(ratio >= 2.0, f"first {ms(first)}, later {ms(later)} (×{ratio:.1f})",
                 "the first start pays for the fork server itself")


def against_interpreter(ev: Evidence, method: str) -> Outcome:
    o = ev.one("14", "base", method)
    bare = number_after(line(o, "bare interpreter start:").text, "start:") / 1000
    _, later = _later(o)
    ratio = later / bare
    value = f"start {ms(later)} vs bare interpreter {ms(bare)} (×{ratio:.2f})"
    if method == "fork":
        raise expect(ratio < 0.5, value, "a fork copies a running interpreter")
    raise expect(ratio >= 0.5, value, "a spawn starts a whole interpreter")


# -- 15 module-global Lock ----------------------------------------------------------


def _counter(o: Observation) -> int:
    return int(number_after(line(o, "counter =").text, "counter ="))


def global_lock(ev: Evidence, method: str) -> Outcome:
    o = ev.one("15", "base", method)
    n = _counter(o)
    value = f"counter = {n} / 800"
    if method == "fork":
        raise expect(n == 800, value, "the child inherits the very lock")
    if method == "spawn":
        raise expect(n < 800, value, "each child re-imports the module and makes its own lock")
    if preloads_main(o):
        raise expect(n == 800, value, "the children share the lock the fork server made when "
                     "it preloaded the module (3.13.8+, 3.14.1+: gh-126631)")
    raise expect(n < 800, value, "no preload before 3.13.8 / 3.14.1: each child makes its "
                 "own lock, like spawn")


def passed_lock(ev: Evidence, method: str) -> Outcome:
    n = _counter(ev.one("15", "passed", method))
    raise expect(n == 800, f"counter = {n} / 800")


# -- 16 default start method --------------------------------------------------------


def expected_default(system: str, version: tuple[int, int]) -> str:
    """CPython's default start method (multiprocessing/context.py) by platform.system()."""
    if system == "Windows":
        return "spawn"  # the only method there
    if system == "Darwin":
        return "spawn" if version >= (3, 8) else "fork"  # bpo-33725
    # Every other POSIX system: fork until 3.13, forkserver from 3.14 (gh-84559).
    return "forkserver" if version >= (3, 14) else "fork"


def default_method(ev: Evidence, method: str) -> Outcome:
    o = ev.one("16", "base", "default")
    shown = line(o, "default start method:").text.split(":", 1)[1].strip()
    want = expected_default(o.platform.get("system") or "", py_version(o))
    raise expect(shown == want, f"{shown} (expected {want} on {o.platform.get('system')} "
                                f"{o.python.get('version')})")


def default_listed_first(ev: Evidence, method: str) -> Outcome:
    o = ev.one("16", "base", method)
    listed = line(o, "all start methods:").text.split(":", 1)[1].strip()
    names = re.findall(r"'(\w+)'", listed)
    want = expected_default(o.platform.get("system") or "", py_version(o))
    raise expect(bool(names) and names[0] == want, f"{listed} (default {want})",
                 "get_all_start_methods() lists the platform's default first")


# -- 17 joining a process whose queue data is unread --------------------------------


def queue_join_deadlock(ev: Evidence, method: str) -> Outcome:
    o = ev.one("17", "base", method)
    stuck = line(o, "alive after join(timeout=3):").text.endswith("True")
    after = line(o, "after get:").text
    ok = stuck and "alive False" in after and "exitcode 0" in after
    raise expect(ok, f"alive after join(timeout=3): {stuck}; {after}")


CLAIMS: tuple[Claim, ...] = (
    Claim("kit.guard.unguarded", "10", "kit",
          "Without the __main__ guard: works under fork; under spawn the child dies with the "
          "bootstrapping RuntimeError and the parent goes on; under forkserver the same "
          "before 3.13.8 / 3.14.1 and from 3.15 (which ignores a failed preload), while on "
          "3.13.8+ and 3.14.1+ the fork server dies preloading the script and the parent "
          "fails.", unguarded, methods=WITH_DEFAULT),
    Claim("kit.guard.pool", "10", "kit",
          "An unguarded Pool.map works under fork and never finishes under spawn (the "
          "watchdog ends it); under forkserver the same before 3.13.8 / 3.14.1 and from 3.15 "
          "(which ignores a failed preload), while on 3.13.8+ and 3.14.1+ the parent fails at "
          "once.", unguarded_pool, methods=WITH_DEFAULT,
          needs=(Need("10", "pool"),)),
    Claim("kit.reimport.module_code", "11", "kit",
          "Module-level code runs once under fork, once more per child under spawn "
          "(as __mp_main__); under forkserver once more in the fork server where it preloads "
          "the main module (3.13.8+, 3.14.1+), else once more per child.", module_code_runs),
    Claim("kit.globals.set_in_main", "12", "kit",
          "A global set in the __main__ block before start() is seen by a fork child; "
          "spawn and forkserver children see the module's original.", globals_seen),
    Claim("kit.pickle.local_target", "13", "kit",
          "A lambda or nested function target runs under fork; under spawn and forkserver "
          "start() fails in the parent (pickle / local object).", local_targets),
    Claim("kit.latency.spawn_over_fork", "14", "kit",
          "A spawn start costs at least 3× a fork start (same run, medians).",
          spawn_over_fork, methods=("spawn",), needs=(Need("14"), Need("14", method="fork"))),
    Claim("kit.latency.forkserver_first", "14", "kit",
          "Under forkserver the first start is slow (it starts the server), later ones fast.",
          forkserver_first_slow, methods=("forkserver",)),
    Claim("kit.latency.vs_interpreter", "14", "kit",
          "A fork start costs far less than a bare interpreter start; a spawn start about "
          "as much or more (forkserver's later starts fall between: not claimed).",
          against_interpreter, methods=("fork", "spawn")),
    Claim("kit.lock.global", "15", "kit",
          "A module-global Lock protects under fork and nothing under spawn; under "
          "forkserver it protects where the fork server preloads the main module (3.13.8+, "
          "3.14.1+) and nothing before.", global_lock),
    Claim("kit.lock.passed", "15", "kit",
          "A Lock passed as an argument protects under every method.", passed_lock,
          needs=(Need("15", "passed"),)),
    Claim("kit.default.method", "16", "kit",
          "The default start method is spawn on Windows and macOS (3.8+); on every other "
          "POSIX system fork before 3.14 and forkserver from 3.14.", default_method,
          methods=("default",)),
    Claim("kit.default.listed_first", "16", "kit",
          "get_all_start_methods() lists the platform's default first (3.8-3.13 by a fixed "
          "order per platform, 3.14+ computed), whichever method the run uses.",
          default_listed_first, methods=WITH_DEFAULT),
    Claim("kit.queue.join_deadlock", "17", "kit",
          "A child that put 1 MB on a queue cannot exit until it is read: join(timeout=3) "
          "returns with the child alive.", queue_join_deadlock),
)
