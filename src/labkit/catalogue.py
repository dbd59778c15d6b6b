"""The lab catalogue: which scripts exist, their variants, and how each is run.

A lab's claims live in ``labkit.claims``; this module only says where the scripts
are, how long to run them, whether they must run alone and how long they sleep.
How often, and which variants, follows from the claims (``labkit.planner``). Stdlib-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labkit.errors import UsageError
from labkit.i18n import _

METHODS = ("fork", "spawn", "forkserver")
DEFAULT_TIMEOUT = 60.0  # seconds before the watchdog, unless a lab or the user says


def labs_dir() -> Path:
    """``labs/`` beside ``src/`` in a checkout; ``LABKIT_LABS`` overrides (installed kit)."""
    import os

    env = os.environ.get("LABKIT_LABS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "labs").is_dir() and (parent / "labs" / "03_join.py").exists():
            return parent / "labs"
    return Path.cwd() / "labs"


@dataclass(frozen=True)
class Lab:
    """A lab's scripts and how they run; what its claims read (variants, repeats) is
    declared by the claims themselves (``Claim.needs``) and combined by the planner."""

    id: str
    title_zh: str
    title_en: str
    script: str  # file name under labs/
    variants: dict[str, str] = field(default_factory=dict)  # variant -> file name
    timeouts: dict[str, float] = field(default_factory=dict)  # variant -> seconds
    # Variants whose claims measure start costs, or race a child's start against a short
    # sleep: they run alone, not beside others. (A claim that only needs a run to take
    # *at least* its sleeps is safe beside others.)
    timing: tuple[str, ...] = ()
    # What each script itself makes a run wait, at least (seconds): its sleeps and
    # blocking timeouts along the longest chain (random sleeps at their minimum). A run
    # that must hang waits for the watchdog instead (bench's ``run_floor``).
    sleep_floor: dict[str, float] = field(default_factory=dict)  # variant -> seconds

    def scripts(self) -> dict[str, str]:
        return {"base": self.script, **self.variants}

    def path(self, variant: str = "base") -> Path:
        return labs_dir() / self.scripts()[variant]

    def timeout(self, variant: str, default: float = DEFAULT_TIMEOUT) -> float:
        return self.timeouts.get(variant, default)


LABS: tuple[Lab, ...] = (
    Lab("01", "开启进程的两种方式", "Two ways to start a process", "01_start.py",
        {"sleep": "01_start_sleep.py", "subclass": "01_start_subclass.py",
         "run": "01_start_run.py"},
        # the child sleeps 5 s and main waits for it at exit; _sleep: the same child,
        # main's 1 s overlaps it; _subclass: run() sleeps 3 s; _run: the same 3 s in main
        sleep_floor={"base": 5.0, "sleep": 5.0, "subclass": 3.0, "run": 3.0}),
    Lab("02", "进程之间的内存空间是隔离的", "Memory is isolated between processes",
        "02_isolation.py", sleep_floor={"base": 1.0}),  # the child sleeps 1 s, main joins
    Lab("03", "join 方法", "join: wait for children", "03_join.py",
        {"serial": "03_join_serial.py"}, timing=("base",),
        # children sleep 1, 2, 3 s at once (measured); _serial: one after another (≥ 6 s)
        sleep_floor={"base": 3.0, "serial": 6.0}),
    Lab("04", "terminate 与 is_alive", "terminate and is_alive", "04_terminate.py",
        {"now": "04_terminate_now.py", "poll": "04_terminate_poll.py"},
        # main: sleep 1, terminate, sleep 1; _poll: sleep 1, terminate, poll until dead
        sleep_floor={"base": 2.0, "now": 2.0, "poll": 1.0}),
    Lab("05", "守护进程", "Daemon processes", "05_daemon.py",
        {"child": "05_daemon_child.py", "main_ends": "05_daemon_main_ends.py",
         "after_print": "05_daemon_after_print.py", "after_start": "05_daemon_after_start.py"},
        # main sleeps 1 s and the daemon dies with it; _main_ends: the non-daemon sleeps 2 s;
        # _after_print: main and the non-daemon 2 s; _after_start: the child's 2 s
        sleep_floor={"base": 1.0, "child": 1.0, "main_ends": 2.0, "after_print": 2.0,
                     "after_start": 2.0},
        # _child's claim needs a spawn daemon to boot and reach start() within main's
        # 1 s: beside other runs on a busy machine none of three did (3.13, one core busy)
        timing=("child",)),
    Lab("06", "互斥锁（抢票）", "Mutex around a ticket file", "06_mutex.py",
        {"nolock": "06_mutex_nolock.py", "no_finally": "06_mutex_no_finally.py"},
        timeouts={"no_finally": 8.0},  # it hangs by design: keep the watchdog short
        # search() sleeps randint(1, 2), the sale randint(0, 1); _nolock: a common start
        # 1.5 s ahead, then get() sleeps 1 s; _no_finally: search(), then it hangs
        sleep_floor={"base": 1.0, "nolock": 2.5, "no_finally": 1.0}),
    Lab("07", "队列", "Queue", "07_queue.py",
        {"full": "07_queue_full.py", "put_block": "07_queue_put_block.py",
         "put_timeout": "07_queue_put_timeout.py", "get_nowait": "07_queue_get_nowait.py"},
        timeouts={"put_block": 5.0},  # it hangs by design: keep the watchdog short
        # get(timeout=3) on the empty queue; _full: put_nowait raises at once; _put_block
        # hangs; _put_timeout: put(timeout=3); _get_nowait raises at once
        sleep_floor={"base": 3.0, "full": 0.0, "put_block": 0.0, "put_timeout": 3.0,
                     "get_nowait": 0.0}),
    Lab("08", "生产者消费者（None 结束）", "Producer–consumer with sentinels",
        "08_pc_sentinel.py", {"no_sentinel": "08_pc_no_sentinel.py"},
        timeouts={"no_sentinel": 15.0},
        # 3 products of >= 1 s each, the last eaten in >= 1 s; _no_sentinel then hangs
        sleep_floor={"base": 4.0, "no_sentinel": 4.0}),
    Lab("09", "生产者消费者（JoinableQueue）", "Producer–consumer with JoinableQueue",
        "09_pc_joinable.py",
        sleep_floor={"base": 4.0}),  # as 08: q.join() returns after the last task_done()
    Lab("10", "__main__ 保护", "The __main__ guard", "10_guard.py",
        {"pool": "10_guard_pool.py"}, timeouts={"pool": 10.0},
        # _pool: at once under fork; spawn/forkserver hang (watchdog)
        sleep_floor={"base": 0.0, "pool": 0.0}),
    Lab("11", "主模块被重新导入", "The main module is imported again", "11_reimport.py",
        sleep_floor={"base": 0.0}),
    Lab("12", "主模块中设置的全局变量", "Globals set in main", "12_globals.py",
        sleep_floor={"base": 0.0}),
    Lab("13", "不可 pickle 的目标函数", "Targets that cannot be pickled", "13_pickle.py",
        sleep_floor={"base": 0.0}),
    Lab("14", "启动延迟", "Start latency", "14_latency.py", timing=("base",),
        sleep_floor={"base": 0.0}),
    Lab("15", "模块级全局锁", "A module-global Lock", "15_global_lock.py",
        {"passed": "15_passed_lock.py"},
        sleep_floor={"base": 1.0, "passed": 1.0}),  # a common start 1 s ahead
    Lab("16", "默认启动方法", "The default start method", "16_default_method.py",
        sleep_floor={"base": 0.0}),
    Lab("17", "队列与 join 的死锁", "Joining a process with unread queue data",
        "17_queue_deadlock.py", sleep_floor={"base": 3.0}),  # join(timeout=3)
)

BY_ID = {lab.id: lab for lab in LABS}


def find(ident: str) -> Lab:
    """A lab by id ("3", "03") or by its script name ("03_join", "03_join.py")."""
    key = ident.zfill(2) if ident.isdigit() else ident
    if key in BY_ID:
        return BY_ID[key]
    for lab in LABS:
        if ident in (lab.script, Path(lab.script).stem):
            return lab
    raise UsageError(_("unknown lab {lab}: `labkit list` shows the labs").format(
        lab=repr(ident)))


def sleep_floor(script: str) -> float | None:
    """The sleep floor of a lab script by file name; None for a script not in the labs."""
    name = Path(script).name
    for lab in LABS:
        for variant, fname in lab.scripts().items():
            if fname == name:
                return lab.sleep_floor.get(variant)
    return None
