"""Claim texts in both languages, and what each tutorial sentence turned out to be.

``TEXTS`` is plain data the translation catalogs are built from: for a claim id, its
statement, the tutorial sentence it quotes (tutorial claims only; the Chinese is the
tutorial's own words) and a one-line "why" per start method, each in Chinese (the zh-cn Python
docs' terms: 启动方法, 守护进程, 互斥锁, 队列) and English. ``TUTORIAL`` marks every
tutorial sentence a claim checks as confirmed, refuted or platform-dependent, with the
evidence. Stdlib-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Bilingual = dict[str, str]  # {"zh": ..., "en": ...}

METHODS = ("fork", "spawn", "forkserver")


def _same(zh: str, en: str) -> dict[str, Bilingual]:
    """One "why" for every method, where the start method changes nothing."""
    return {m: {"zh": zh, "en": en} for m in METHODS}


TEXTS: dict[str, dict[str, dict]] = {
    "seed.start.run_in_parent": {
        "quote": {
            "zh": 'p.start()  #相等于p.run（），执行自定义进程的方法',
            "en": "p.start()  # the same as p.run(): runs the custom process's method",
        },
        "statement": {
            "zh": "用 p.run() 代替 p.start()：run() 在父进程自己的 pid 中同步执行，不创建任何进程；"
                  "start() 和 run() 并不相同。",
            "en": "Calling p.run() instead of p.start() runs run() in the parent's own pid, "
                  "synchronously, and starts no process: start() and run() are not the same.",
        },
        "why": _same(
            "run() 只是普通的方法调用，用不到启动方法；只有 "
            "start() 才创建新进程并在其中调用 run()。",
            "run() is a plain method call, no start method is involved; only start() makes "
            "a new process that calls run() there.",
        ),
    },
    "seed.join.concurrent": {
        "quote": {
            "zh": '使用join方法实现并发执行',
            "en": 'Use the join method to run concurrently.',
        },
        "statement": {
            "zh": "start() 让三个子进程同时运行，join() 只是等待它们：总耗时约等于最长的 3 秒，"
                  "而不是 6 秒之和。",
            "en": "start() makes the three children run at once and join() only waits for "
                  "them: the total is about the longest sleep (3 s), not the sum (6 s).",
        },
        "why": _same(
            "三个 start() 先全部执行，子进程同时睡眠；之后的 join() 只等待最慢的那个。",
            "All three start() calls come first, so the children sleep at the same time; "
            "the join() calls after them only wait for the slowest.",
        ),
    },
    "seed.join.serial": {
        "quote": {
            "zh": '使用join方法实现并发执行',
            "en": 'Use the join method to run concurrently.',
        },
        "statement": {
            "zh": "每个 start() 之后立刻 join()，"
                  "子进程就一个接一个运行：总耗时约为睡眠之和（6 秒），"
                  "约是先全部启动时的两倍（同一次运行中比较）。",
            "en": "With join() right after each start() the children run one at a time: the "
                  "total is about the sum of the sleeps (6 s), about twice the total when all "
                  "are started first (same run).",
        },
        "why": _same(
            "join() 等上一个子进程结束，下一个 start() 才执行：串行。让进程并发的是 start()。",
            "join() waits for each child to end before the next start(): serial. What makes "
            "processes concurrent is start().",
        ),
    },
    "seed.terminate.dies_quickly": {
        "quote": {
            "zh": "杀死进程也是给系统发起一个信号，需要比较长的时间才能把进程杀死",
            "en": "Killing a process is sending the system a signal; it takes quite a long "
                  "time until the process is dead.",
        },
        "statement": {
            "zh": "terminate() 之后子进程在几毫秒内就死掉（每毫秒检查一次，远少于 500 毫秒），"
                  "并不需要很长时间。",
            "en": "After terminate() the child is dead within milliseconds (well under "
                  "500 ms, polled every millisecond), not after a long time.",
        },
        "why": _same(
            "SIGTERM（Windows 上是 TerminateProcess）让没有处理它的睡眠子进程立刻结束。",
            "SIGTERM (TerminateProcess on Windows) ends a sleeping child that does not "
            "handle it at once.",
        ),
    },
    "seed.daemon.123_after_main": {
        "quote": {
            "zh": '只要main__出现，123就不会出现了',
            "en": 'Once main__ has appeared, 123 will not appear.',
        },
        "statement": {
            "zh": "在教程的脚本中，123 仍可能出现在 'main____' 之后（守护进程在主进程代码结束后才被"
                  "退出处理函数终止）：spawn 下从不出现，fork 和 forkserver 下是竞争，报告其频率。",
            "en": "In the tutorial's script 123 can still print after 'main____' (the daemon is "
                  "killed by the exit handler after main's code ends): never under spawn, a "
                  "race under fork and forkserver whose frequency is reported.",
        },
        "why": {
            "fork": {
                "zh": "复制出的守护进程约 1 毫秒就开始运行，可能在退出处理函数终止它之前打印 123。",
                "en": "The forked daemon runs within about a millisecond and can print 123 "
                      "before the exit handler terminates it.",
            },
            "spawn": {
                "zh": "守护进程是新解释器，还在导入本文件时就被终止，到不了 foo()。",
                "en": "The daemon is a new interpreter, terminated while still importing the "
                      "script, before it reaches foo().",
            },
            "forkserver": {
                "zh": "由 fork 服务器复制的守护进程也可能在退出处理函数之前运行：竞争。",
                "en": "A daemon forked by the server can also run before the exit handler: "
                      "a race.",
            },
        },
    },
    "seed.daemon.lives_while_main_runs": {
        "quote": {
            "zh": '只要main__出现，123就不会出现了',
            "en": 'Once main__ has appeared, 123 will not appear.',
        },
        "statement": {
            "zh": "主进程在 'main____' 之后还运行 2 秒时，守护进程在每种启动方法下都打印 123，"
                  "并在一秒后、'main____' 之后打印 'end'：它在主进程代码结束时死掉，"
                  "而不是在 'main____' 出现时。",
            "en": "When main's code goes on 2 s after 'main____', the daemon prints 123 and, "
                  "a second later, 'end' after 'main____' under every method: it dies when "
                  "main's code ends, not when 'main____' appears.",
        },
        "why": _same(
            "守护进程由退出处理函数在主进程代码结束后终止；2 秒足够任何启动方法把它启动起来。",
            "The exit handler terminates daemons after main's code ends; 2 s is enough for "
            "any start method to get the daemon running.",
        ),
    },
    "seed.daemon.set_after_start": {
        "quote": {
            "zh": '守护进程开启必须在开启进程之前',
            "en": 'A daemon must be set before the process is started.',
        },
        "statement": {
            "zh": "在 start() 之后设置 daemon，主进程抛出 AssertionError 'process has already "
                  "started'（退出码 1）；已作为非守护进程启动的子进程仍会运行完。",
            "en": "Setting daemon after start() raises AssertionError 'process has already "
                  "started' in main (exit code 1); the child, started as a non-daemon, still "
                  "runs to its end.",
        },
        "why": _same(
            "daemon 的 setter 断言进程尚未启动；检查发生在主进程中，与启动方法无关。",
            "The daemon setter asserts the process has not started; the check runs in main, "
            "whatever the start method.",
        ),
    },
    "seed.mutex.held_after_error": {
        "quote": {
            "zh": '一个进程一个进程的去修改数据文件',
            "en": 'The processes modify the data file one after another.',
        },
        "statement": {
            "zh": "只用 acquire()/release() 而没有 "
                  "try/finally 时，持有互斥锁的进程出错会让锁一直被占着："
                  "其余九个买家永远等待，由看门狗结束运行。",
            "en": "With acquire()/release() and no try/finally, an error while holding the Lock "
                  "leaves it taken: the other nine buyers wait for ever and the watchdog ends "
                  "the run.",
        },
        "why": _same(
            "release() 永远执行不到；multiprocessing 的锁是信号量，持有者退出时不会自动释放。",
            "release() is never reached; a multiprocessing Lock is a semaphore and is not "
            "released when its holder exits.",
        ),
    },
    "seed.queue.put_blocks": {
        "quote": {
            "zh": '如果添加值的个数超出队列长度，会发生队列阻塞',
            "en": "Putting more values than the queue's length blocks the queue.",
        },
        "statement": {
            "zh": "在已满的 Queue(3) 上 put() 会永远阻塞：后面的代码都不执行，由看门狗结束运行。",
            "en": "put() on a full Queue(3) blocks for ever: nothing after it runs, the watchdog "
                  "ends the run.",
        },
        "why": _same(
            "没有开启进程，也就没有人取值，空位永远不会出现。",
            "No process is started, so nobody takes a value and no slot ever frees up.",
        ),
    },
    "seed.queue.put_timeout": {
        "quote": {
            "zh": '发生阻塞的时候等待3秒主动抛出一个异常queue.Full',
            "en": 'When it blocks, wait 3 seconds, then raise queue.Full.',
        },
        "statement": {
            "zh": "在已满的队列上 put(block=True, timeout=3) 约 3 秒后抛出 queue.Full。",
            "en": "put(block=True, timeout=3) on a full queue raises queue.Full after about 3 s.",
        },
        "why": _same(
            "put 等待空位最多 3 秒，然后放弃并抛出 queue.Full；没有开启进程。",
            "put waits up to 3 s for a free slot, then gives up with queue.Full; no process "
            "is started.",
        ),
    },
    "seed.queue.get_nowait": {
        "quote": {
            "zh": '如果队列为空，会主动抛出一个异常 queue.Empty',
            "en": 'If the queue is empty, it raises queue.Empty.',
        },
        "statement": {
            "zh": "在空队列上 get(block=False) 立即抛出 queue.Empty（远少于 1 秒）。",
            "en": "get(block=False) on an empty queue raises queue.Empty at once (well under "
                  "1 s).",
        },
        "why": _same(
            "非阻塞的 get 不等待：队列空就立刻抛出 queue.Empty（即 _queue.Empty）。",
            "A non-blocking get does not wait: an empty queue raises queue.Empty (that is "
            "_queue.Empty) at once.",
        ),
    },
    "kit.guard.unguarded": {
        "statement": {
            "zh": "没有 __main__ 保护时：fork 下正常；spawn 下子进程因 boo"
                  "tstrapping RuntimeError 死亡而父进程继续；forkser"
                  "ver 下 3.13.8 / 3.14.1 之前以及 3.15 起（忽略预加载失"
                  "败）与 spawn 相同，而在 3.13.8+ 和 3.14.1+ 上 fork"
                  " 服务器在预加载脚本时死亡，父进程随之失败。",
            "en": "Without the __main__ guard: works under fork; under spawn the "
                  "child dies with the bootstrapping RuntimeError and the parent goes "
                  "on; under forkserver the same before 3.13.8 / 3.14.1 and from 3.15 "
                  "(which ignores a failed preload), while on 3.13.8+ and 3.14.1+ the "
                  "fork server dies preloading the script and the parent fails.",
        },
        "why": {
            "fork": {
                "zh": "fork 出的子进程不会重新导入脚本，所以没有保护的 start() 不会再执行一次。",
                "en": "A forked child does not import the script again, so the unguarded "
                      "start() does not run twice.",
            },
            "spawn": {
                "zh": "子进程重新导入脚本，在自己还没启动完成时又执行到 start()。",
                "en": "The child imports the script again and reaches start() before it has "
                      "finished starting itself.",
            },
            "forkserver": {
                "zh": "预加载主模块且会因其错误而死亡的 fork 服务器（3.13.8+、3.14.1"
                      "+）自己导入脚本，并死在 start() 上；更早的版本以及 3.15 起（忽略"
                      "预加载失败）由每个子进程导入，像 spawn 一样失败。",
                "en": "A fork server that preloads the main module and dies on its "
                      "errors (3.13.8+, 3.14.1+) imports the script itself and dies "
                      "on its start(); before, and from 3.15 (a failed preload is "
                      "ignored), each child imports it and fails like spawn's.",
            },
            "default": {
                "zh": "与本平台默认启动方法的表现相同。",
                "en": "Behaves as the platform's default start method does.",
            },
        },
    },
    "kit.guard.pool": {
        "statement": {
            "zh": "没有保护的 Pool.map 在 fork 下正常，在 spawn 下永远不会结"
                  "束（由看门狗结束）；forkserver 下 3.13.8 / 3.14.1 之"
                  "前以及 3.15 起（忽略预加载失败）与 spawn 相同，而在 3.13.8+"
                  " 和 3.14.1+ 上父进程立即失败。",
            "en": "An unguarded Pool.map works under fork and never finishes under "
                  "spawn (the watchdog ends it); under forkserver the same before "
                  "3.13.8 / 3.14.1 and from 3.15 (which ignores a failed preload), "
                  "while on 3.13.8+ and 3.14.1+ the parent fails at once.",
        },
        "why": {
            "fork": {
                "zh": "fork 出的工作进程不会重新导入脚本。",
                "en": "Forked workers do not import the script again.",
            },
            "spawn": {
                "zh": "每个工作进程导入脚本，试图再建进程池而死亡；进程池不停地补充新的工作进程。",
                "en": "Each worker imports the script, tries to build the pool again and "
                      "dies; the pool keeps replacing its workers.",
            },
            "forkserver": {
                "zh": "预加载主模块且会因其错误而死亡的 fork 服务器（3.13.8+、3.14.1"
                      "+）导入脚本时死亡，父进程立即失败；更早的版本以及 3.15 起（忽略预加载失败"
                      "）像 spawn 一样挂起。",
                "en": "A fork server that preloads the main module and dies on its "
                      "errors (3.13.8+, 3.14.1+) dies importing the script and the "
                      "parent fails at once; before, and from 3.15 (a failed preload "
                      "is ignored), it hangs like spawn.",
            },
            "default": {
                "zh": "与本平台默认启动方法的表现相同。",
                "en": "Behaves as the platform's default start method does.",
            },
        },
    },
    "kit.default.listed_first": {
        "statement": {
            "zh": "get_all_start_methods() "
                  "把平台的默认启动方法列在第一位（3.8–3.13 按平台固定顺序，"
                  "3.14 起由默认值算出），与本次运行使用哪种方法无关。",
            "en": "get_all_start_methods() lists the platform's default first (3.8-3.13 by a "
                  "fixed order per platform, 3.14+ computed), whichever method the run uses.",
        },
        "why": {
            **_same(
                "列表只取决于平台和版本，不受 set_start_method() 影响。",
                "The list depends on the platform and release only, not on "
                "set_start_method().",
            ),
            "default": {
                "zh": "用默认方法运行时，列表第一位就是正在使用的方法。",
                "en": "Run under the default method, the first listed is the one in use.",
            },
        },
    },
}


class TutorialVerdict(StrEnum):
    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    PLATFORM = "platform"  # true under some start methods / platforms / releases only


@dataclass(frozen=True)
class TutorialCheck:
    """What the kit's evidence says about the tutorial sentence a claim quotes."""

    verdict: TutorialVerdict
    evidence: Bilingual  # zh and en, one or two sentences


def _check(verdict: TutorialVerdict, zh: str, en: str) -> TutorialCheck:
    return TutorialCheck(verdict, {"zh": zh, "en": en})


C, R, P = TutorialVerdict.CONFIRMED, TutorialVerdict.REFUTED, TutorialVerdict.PLATFORM

# Every claim whose source is a tutorial sentence (the seed claims) is listed here; a
# test keeps the two in step.
TUTORIAL: dict[str, TutorialCheck] = {
    "seed.start.main_first": _check(
        P, "只在 spawn 下可靠；fork 和 forkserver 下子进程可能先打印（竞争，报告频率）。",
        "Reliable under spawn only; under fork and forkserver the child can print first "
        "(a race, its frequency reported)."),
    "seed.start.sleep_child_first": _check(
        C, "start() 后 sleep(1)，三种启动方法下子进程都先打印。",
        "With sleep(1) after start(), the child prints first under all three methods."),
    "seed.start.subclass_other_pid": _check(
        R, "start() 让 run() 在另一个进程（另一个 pid）中执行；直接调用 p.run() 则在主进程中执行"
           "（见 seed.start.run_in_parent）：两者并不相等。",
        "start() runs run() in another process (another pid); calling p.run() runs it in "
        "main (see seed.start.run_in_parent): they are not the same."),
    "seed.start.run_in_parent": _check(
        R, "p.run() 在主进程的 pid 中同步执行，没有子进程；start() 才创建进程。",
        "p.run() runs in main's pid, synchronously, with no child; start() is what makes a "
        "process."),
    "seed.isolation.n": _check(
        C, "子进程把 n 改成 0，父进程的 n 仍是 100，三种启动方法相同。",
        "The child sets n to 0, the parent keeps 100, under all three methods."),
    "seed.isolation.is_alive": _check(
        C, "join() 前 is_alive() 为 True，之后为 False。",
        "is_alive() is True before join() and False after."),
    "seed.isolation.ppid": _check(
        P, "fork 和 spawn 下子进程打印的 ppid 是主进程；forkserver 下是 fork 服务器的 pid。",
        "Under fork and spawn the child's printed ppid is main's pid; under forkserver it is "
        "the fork server's."),
    "seed.join.concurrent": _check(
        R, "并发来自 start()：三个 start() 先执行，总耗时约 3 秒；join() 只是等待。把 join() 放在"
           "每个 start() 之后就变成串行，约 6 秒（seed.join.serial）。",
        "Concurrency comes from start(): with the three start() calls first the total is "
        "about 3 s; join() only waits. With join() after each start() the run is serial, "
        "about 6 s (seed.join.serial)."),
    "seed.join.serial": _check(
        R, "每个 start() 后立刻 join()，总耗时约为 6 秒之和：join() 不带来并发。",
        "With join() right after each start() the total is about the 6 s sum: join() brings "
        "no concurrency."),
    "seed.join.start_cost": _check(
        C, "总耗时总是超过最长的 3 秒，超出部分是启动进程的开销。",
        "The total always exceeds the longest 3 s sleep; the excess is the cost of starting."),
    "seed.join.spawn_costlier": _check(
        P, "“很长”只在 spawn（以及 forkserver 的第一次启动）下成立；fork 启动只要约 1 毫秒。",
        "\"Very long\" holds under spawn (and forkserver's first start); a fork start takes "
        "about 1 ms."),
    "seed.terminate.not_dead_at_once": _check(
        P, "POSIX 上 terminate() 之后立刻检查，子进程几乎总还活着；Windows 上取决于补丁版本。",
        "On POSIX the child is almost always still alive right after terminate(); on "
        "Windows it depends on the patch release."),
    "seed.terminate.dead_later": _check(
        C, "一秒之后子进程已经结束。", "A second later the child is gone."),
    "seed.terminate.dies_quickly": _check(
        R, "terminate() 之后子进程几毫秒内就死了：“需要时间”没错，“比较长的时间”不对。",
        "The child is dead milliseconds after terminate(): \"it takes time\" is right, "
        "\"quite a long time\" is not."),
    "seed.terminate.exitcode": _check(
        C, "被终止的子进程退出码为 -SIGTERM，最后一行从未打印。",
        "The terminated child's exit code is -SIGTERM; its last line never prints."),
    "seed.daemon.no_children": _check(
        C, "守护进程开启子进程时抛出 AssertionError。",
        "A daemon starting a child raises AssertionError."),
    "seed.daemon.dies_with_main": _check(
        C, "主进程代码结束后守护进程被终止，'is end' 从不打印。",
        "The daemon is terminated after main's code ends; 'is end' never prints."),
    "seed.daemon.123": _check(
        P, "所谓“电脑运行过快”其实是启动方法：spawn 下 123 "
           "从不出现，fork 和 forkserver 下偶尔出现。",
        "The \"fast machine\" is the start method: 123 never prints under spawn and now and "
        "then under fork and forkserver."),
    "seed.daemon.non_daemon_finishes": _check(
        C, "父进程等待非守护进程：456 和 end456 总会打印。",
        "The parent waits for the non-daemon: 456 and end456 always print."),
    "seed.daemon.123_after_main": _check(
        R, "fork 下 123 可以出现在 'main____' 之后：守护进程在主进程代码结束后才被终止。",
        "Under fork 123 can print after 'main____': daemons are terminated after main's code "
        "ends."),
    "seed.daemon.lives_while_main_runs": _check(
        R, "'main____' 之后主进程还在运行时，守护进程没有死：它的 'end' 每次都出现在 "
           "'main____' 之后（spawn 和 forkserver 下 123 也在其后）。",
        "While main's code still runs after 'main____', the daemon does not die: its 'end' "
        "prints after 'main____' every time (under spawn and forkserver 123 does too)."),
    "seed.daemon.set_after_start": _check(
        C, "start() 之后设置 daemon 会抛出 AssertionError: process has already started。",
        "Setting daemon after start() raises AssertionError: process has already started."),
    "seed.mutex.never_oversold": _check(
        C, "有互斥锁时，一张票只卖出一次。", "With the Lock one ticket is sold once."),
    "seed.mutex.oversold_without_lock": _check(
        C, "没有互斥锁时，一张票被卖出多次。", "Without the Lock one ticket "
                               "is sold more than once."),
    "seed.mutex.held_after_error": _check(
        R, "教程的 acquire()/release() 没有 "
           "try/finally：持有锁的进程一出错，后面的进程就一个也改不了"
           "数据文件，全部永远等待。",
        "The tutorial's acquire()/release() has no try/finally: once the holder raises, no "
        "later process ever gets to modify the file; all wait for ever."),
    "seed.queue.fifo": _check(
        C, "先进先出：'first'、2、{'count': 3}。", "First in, first out: "
                                           "'first', 2, {'count': 3}."),
    "seed.queue.empty_timeout": _check(
        C, "get(timeout=3) 约 3 秒后抛出 queue.Empty。",
        "get(timeout=3) raises queue.Empty after about 3 s."),
    "seed.queue.full": _check(
        C, "put_nowait() 在满队列上立即抛出 queue.Full。",
        "put_nowait() on a full queue raises queue.Full at once."),
    "seed.queue.put_blocks": _check(
        C, "满队列上的 put() 一直阻塞。", "put() on a full queue blocks."),
    "seed.queue.put_timeout": _check(
        C, "put(timeout=3) 约 3 秒后抛出 queue.Full。",
        "put(timeout=3) raises queue.Full after about 3 s."),
    "seed.queue.get_nowait": _check(
        C, "get(block=False) 在空队列上立即抛出 queue.Empty。",
        "get(block=False) on an empty queue raises queue.Empty at once."),
    "seed.pc.each_once": _check(
        C, "生产的六样东西各被吃掉一次。", "Each of the six items produced is eaten once."),
    "seed.pc.consumers_stop": _check(
        C, "消费者取到 None 就退出，程序自己结束。",
        "Consumers stop at None and the program ends by itself."),
    "seed.pc.no_sentinel_hangs": _check(
        C, "没有 None 时消费者卡在 q.get()，程序不会结束。",
        "Without None the consumers wait in q.get() and the program never ends."),
    "seed.joinable.join_waits": _check(
        C, "q.join() 等到每个 task_done() 之后才返回：'主' 最后打印。",
        "q.join() returns after every task_done(): '主' prints last."),
    "seed.joinable.daemons_gone": _check(
        C, "守护消费者在主进程结束时被终止。", "The daemon consumers are "
                               "terminated when main ends."),
}


def tutorial_check(claim_id: str) -> TutorialCheck | None:
    """The verdict on the tutorial sentence a claim quotes; None for the kit's own claims."""
    return TUTORIAL.get(claim_id)
