"""Measured values in words, in the chosen language.

A claim's check reports what it measured as a short English phrase ("child n=['0'],
parent n=['100']"). ``in_words`` makes it readable: Python lists, quotes and
True/False/None become words, and a phrase that matches one of the templates below is
said in the chosen language ("子进程 n=0，父进程 n=100"). Each template is an English
pattern whose ``{}`` stands for a measured part; its translation is in the catalog
like any other string, and the parts are put into the translation in order. A phrase
no template matches is shown as measured, made readable. Stdlib-only.
"""

from __future__ import annotations

import re
from functools import cache

from labkit.i18n import N_, _, humanize

# The most specific first: the first template matching the whole phrase wins.
TEMPLATES: tuple[str, ...] = (
    N_("main first in {}/{} runs"),
    N_("123 after 'main____' in {}/{} runs"),
    N_("one at a time {} vs all started first {} (×{})"),
    N_("queue.Empty {} after the third value"),
    N_("queue.Full after {}, exit {}"),
    N_("timed out: {} after {}, printed {} lines"),
    N_("{} error, {} sold, {}/10 saw the ticket, timed out: {}"),
    N_("123 printed: {} (after 'main____': {}), 'end' after 'main____': {}"),
    N_("AssertionError: process has already started, main exit {}, child finished: {}"),
    N_("not run: lab {} variant {} under {}"),
    N_("{} (default {})"),
    N_("child first: {}"),
    N_("run() in pid {}, main {}, {} children, '3、主' after '2、进程1 is done': {}"),
    N_("run() in pid {}, main {}"),
    N_("child n={}, parent n={}"),
    N_("is_alive: {}"),
    N_("printed ppid {}, parent {}, fork server {}"),
    N_("printed ppid {}, parent {}"),
    N_("total {} (sleeps 1+2+3)"),
    N_("total {}, start {}"),
    N_("{} vs fork {} (×{})"),
    N_("alive right after terminate() in {}"),
    N_("dead {} after terminate() at most ({} runs)"),
    N_("dead 1 s later in {}; tutorial lab printed {}"),
    N_("exitcode {}, last print reached: {}"),
    N_("AssertionError in the daemon in {}/{} runs (no AssertionError)"),
    N_("AssertionError in the daemon in {}/{} runs"),
    N_("{}/{} tried"),
    N_("no daemon"),
    N_("'is end' printed: {}, daemon exitcode {}"),
    N_("123 printed in {}"),
    N_("456/end456 in {}"),
    N_("{} sold of 1 ticket"),
    N_("got {}"),
    N_("queue.Empty after {}"),
    N_("no queue.Empty"),
    N_("no queue.Full"),
    N_("{} eaten of 6"),
    N_("ended by itself: {}, exit codes {}"),
    N_("timed out: {} after {}, {} eaten"),
    N_("{} eaten before '主'"),
    N_("'主' never printed"),
    N_("daemon consumers' exit codes {}"),
    N_("[{}] child ran: {}, child exit {}, main exit {}"),
    N_("[{}] result: {}, timed out: {}"),
    N_("module code ran {}× ({}× as __mp_main__), {} children"),
    N_("child sees {}"),
    N_("lambda: {}; nested: {}"),
    N_("ran, exitcode {}"),
    N_("ran"),
    N_("failed in parent: {}"),
    N_("{} in parent"),
    N_("first {}, later {} (×{})"),
    N_("start {} vs bare interpreter {} (×{})"),
    N_("{} (expected {} on {})"),
    N_("alive after join(timeout=3): {}; after get: alive {} exitcode {} got {}"),
    N_("line missing"),
    N_("missing evidence"),
    N_("lab {} variant {} was not run under {}"),
    N_("the claim does not speak about this method: judged under {}"),
    N_("method absent on this platform: {}"),
    N_("release-dependent: {}"),
    N_("under {} the order is a race"),
    N_("a race under {}"),
    N_("{}, exit {}"),
)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in template.split("{}")]
    return re.compile("^" + "(.+?)".join(parts) + "$", re.S)


def _translate(phrase: str, depth: int = 0) -> str:
    for template in TEMPLATES:
        m = _pattern(template).match(phrase)
        if m is None:
            continue
        said = _(template)
        parts = [_translate(g, depth + 1) if depth < 2 else humanize(g) for g in m.groups()]
        return said.format(*parts)
    return humanize(phrase)


def in_words(value: str) -> str:
    """A measured value for people, in the chosen language where a template says it."""
    return _translate(value) if value else value


_PROSE = re.compile(r"[A-Za-z]{3,}[ ,:;]+[a-z]{2,} [a-z]{2,}")


def is_prose(text: str) -> bool:
    """English sentences, as opposed to code, figures and a script's own output."""
    return bool(_PROSE.search(text))
