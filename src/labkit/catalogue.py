"""The lab catalogue: which scripts exist, their variants, and how each is run.

A lab's claims live in ``labkit.claims``; this module only says where the scripts
are, how often and how long to run them. Stdlib-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labkit.errors import UsageError
from labkit.sweep import RunSpec

METHODS = ("fork", "spawn", "forkserver")


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
    id: str
    title_zh: str
    title_en: str
    script: str  # file name under labs/
    variants: dict[str, str] = field(default_factory=dict)  # variant -> file name
    repeats: dict[str, int] = field(default_factory=dict)  # variant -> runs per method
    timeouts: dict[str, float] = field(default_factory=dict)  # variant -> seconds
    timing: bool = False  # its claims measure time: run it alone, not beside others
    with_default: bool = False  # also run under the platform's default method

    def scripts(self) -> dict[str, str]:
        return {"base": self.script, **self.variants}

    def path(self, variant: str = "base") -> Path:
        return labs_dir() / self.scripts()[variant]

    def specs(self, methods: tuple[str, ...], timeout: float = 60.0) -> list[RunSpec]:
        runs = []
        wanted = methods + (("default",) if self.with_default and "default" not in methods else ())
        for method in wanted:
            for variant, fname in self.scripts().items():
                for rep in range(self.repeats.get(variant, 1)):
                    runs.append(
                        RunSpec(
                            lab=self.id,
                            variant=variant,
                            script=str(labs_dir() / fname),
                            method=method,
                            repeat=rep,
                            timeout=self.timeouts.get(variant, timeout),
                            concurrent=not self.timing,
                        )
                    )
        return runs


LABS: tuple[Lab, ...] = (
    Lab("01", "开启进程的两种方式", "Two ways to start a process", "01_start.py",
        {"sleep": "01_start_sleep.py", "subclass": "01_start_subclass.py",
         "run": "01_start_run.py"},
        repeats={"base": 3}),
    Lab("02", "进程之间的内存空间是隔离的", "Memory is isolated between processes",
        "02_isolation.py"),
    Lab("03", "join 方法", "join: wait for children", "03_join.py",
        {"serial": "03_join_serial.py"}, timing=True),
    Lab("04", "terminate 与 is_alive", "terminate and is_alive", "04_terminate.py",
        {"now": "04_terminate_now.py"}, repeats={"now": 3}),
    Lab("05", "守护进程", "Daemon processes", "05_daemon.py",
        {"child": "05_daemon_child.py", "main_ends": "05_daemon_main_ends.py",
         "after_print": "05_daemon_after_print.py", "after_start": "05_daemon_after_start.py"},
        repeats={"main_ends": 3}),
    Lab("06", "互斥锁（抢票）", "Mutex around a ticket file", "06_mutex.py",
        {"nolock": "06_mutex_nolock.py", "no_finally": "06_mutex_no_finally.py"},
        timeouts={"no_finally": 8.0}),
    Lab("07", "队列", "Queue", "07_queue.py",
        {"full": "07_queue_full.py", "put_block": "07_queue_put_block.py",
         "put_timeout": "07_queue_put_timeout.py", "get_nowait": "07_queue_get_nowait.py"},
        timeouts={"put_block": 5.0}),
    Lab("08", "生产者消费者（None 结束）", "Producer–consumer with sentinels",
        "08_pc_sentinel.py", {"no_sentinel": "08_pc_no_sentinel.py"},
        timeouts={"no_sentinel": 15.0}),
    Lab("09", "生产者消费者（JoinableQueue）", "Producer–consumer with JoinableQueue",
        "09_pc_joinable.py"),
    Lab("10", "__main__ 保护", "The __main__ guard", "10_guard.py",
        {"pool": "10_guard_pool.py"}, timeouts={"pool": 10.0}, with_default=True),
    Lab("11", "主模块被重新导入", "The main module is imported again", "11_reimport.py"),
    Lab("12", "主模块中设置的全局变量", "Globals set in main", "12_globals.py"),
    Lab("13", "不可 pickle 的目标函数", "Targets that cannot be pickled", "13_pickle.py"),
    Lab("14", "启动延迟", "Start latency", "14_latency.py", timing=True),
    Lab("15", "模块级全局锁", "A module-global Lock", "15_global_lock.py",
        {"passed": "15_passed_lock.py"}),
    Lab("16", "默认启动方法", "The default start method", "16_default_method.py",
        with_default=True),
    Lab("17", "队列与 join 的死锁", "Joining a process with unread queue data",
        "17_queue_deadlock.py"),
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
    raise UsageError(f"unknown lab {ident!r}: `labkit list` shows the labs")


def plan(
    methods: tuple[str, ...] = METHODS, labs: tuple[Lab, ...] = LABS, timeout: float = 60.0
) -> list[RunSpec]:
    return [spec for lab in labs for spec in lab.specs(methods, timeout)]
