"""Show: Observations and Verdicts as terminal tables (rich), for people.

The last step of run → observe → check → show. Nothing here decides anything.
Everything is laid out for 80 columns first: claims are stacked (sentence, then one
line per start method), never a wide grid, and every text column wraps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from labkit import console as _console
from labkit import failures as failures_mod
from labkit.catalogue import Lab
from labkit.claims import Verdict, all_claims
from labkit.i18n import N_, _, claim_text, language
from labkit.observation import EndSource, Observation, ProcessRecord
from labkit.safe_text import TITLE_LIMIT, cell, styled
from labkit.values import in_words, is_prose

METHOD_ORDER = ("fork", "spawn", "forkserver", "default")

# The five outcomes: a symbol and a word each (never colour alone), then a style.
OUTCOMES: dict[str, tuple[str, str, str]] = {
    "pass": ("✓", N_("pass"), "green"),
    "fail": ("✗", N_("fail"), "bold red"),
    "race": ("≈", N_("race"), "yellow"),
    "not_applicable": ("–", N_("not applicable"), "dim"),
    "not_run": ("○", N_("not run"), "dim italic"),
}
_ALIASES = {"n/a": "not_applicable", "na": "not_applicable"}
SUMMARY_WORDS = {"pass": N_("passed"), "fail": N_("failed"), "race": N_("race"),
                 "not_applicable": N_("not applicable"), "not_run": N_("not run")}


def outcome(status: object) -> tuple[str, str, str]:
    """(symbol, word in the chosen language, style) of a verdict's status."""
    key = _ALIASES.get(str(status), str(status))
    symbol, word, style = OUTCOMES.get(key, ("?", str(status), ""))
    return symbol, _(word), style


def console(stderr: bool = False) -> Console:
    return _console.console(stderr)


def _method_key(m: str) -> int:
    return METHOD_ORDER.index(m) if m in METHOD_ORDER else len(METHOD_ORDER)


# -- values for people ----------------------------------------------------------------

# -- claims -----------------------------------------------------------------------------


def _quote(claim_id: str, source: str) -> str:
    if source == "kit":
        return ""
    if language() == "zh":
        return f"「{source}」"
    quote = claim_text(claim_id, "quote")
    return _("tutorial: “{quote}”").format(quote=quote) if quote else f"「{source}」"


TUTORIAL_WORDS = {"confirmed": (N_("confirmed"), "green"), "refuted": (N_("refuted"), "red"),
                  "platform": (N_("depends on the platform"), "yellow")}


def tutorial_line(claim_id: str) -> Text | None:
    """What the kit's evidence says about the tutorial sentence a claim quotes."""
    from labkit.claims.texts import tutorial_check

    check = tutorial_check(claim_id)
    if check is None:
        return None
    word, style = TUTORIAL_WORDS.get(str(check.verdict), (str(check.verdict), ""))
    evidence = check.evidence.get(language()) or check.evidence.get("en", "")
    return Text.assemble((_("the tutorial: "), "dim"), (_(word), f"bold {style}"),
                         (" — " + evidence, "dim"))


def _why(v: Verdict) -> str:
    """Why this outcome: the mechanism under this method, then what the check saw."""
    key = _ALIASES.get(str(v.status), str(v.status))
    if key == "pass":
        return ""
    detail = in_words(v.detail)
    if language() != "en" and is_prose(detail):
        detail = ""  # an English explanation: the catalog's why says it in this language
    if key in ("not_run", "not_applicable"):
        return detail or claim_text(v.claim, "why", v.method)
    reason = claim_text(v.claim, "why", v.method)
    return " ".join(x for x in (reason, f"({detail})" if detail and detail != v.value else "")
                    if x)


def _verdict_rows(grid: Table, v: Verdict, label: str) -> None:
    symbol, word, style = outcome(v.status)
    grid.add_row(Text(label), Text(f"{symbol} {word}", style=style), Text(in_words(v.value)))
    why = _why(v)
    if why:
        grid.add_row("", "", Text(_("why: ") + why, style="dim"))


def verdict_table(verdicts: Sequence[Verdict], title: str | None = None) -> RenderableType:
    """Per claim: its sentence (and the tutorial's), then one line per start method
    (per environment, when there are several) with the outcome, value and why."""
    envs = sorted({v.environment for v in verdicts})
    methods = sorted({v.method for v in verdicts}, key=_method_key)
    cells: dict[tuple[str, str, str], Verdict] = {
        (v.claim, v.environment, v.method): v for v in verdicts
    }
    parts: list[RenderableType] = [Text(""), Text(title or _("Claims"), style="bold")]
    for claim in all_claims():
        mine = [(env, m) for env in envs for m in methods if (claim.id, env, m) in cells]
        if not mine:
            continue
        statement = claim_text(claim.id, "statement", default=claim.statement)
        head = Text.assemble((f"{claim.lab} ", "bold"), statement)
        parts.append(Text(""))
        parts.append(head)
        quote = _quote(claim.id, claim.source)
        if quote:
            parts.append(Padding(Text(quote, style="italic dim"), (0, 0, 0, 3)))
        said = tutorial_line(claim.id)
        if said:
            parts.append(Padding(said, (0, 0, 0, 3)))
        # Several environments: each one's name on its own line (names are long),
        # then its methods, aligned across environments.
        width = max(len(m) for _e, m in mine)
        for env in envs:
            rows = [m for (e, m) in mine if e == env]
            if not rows:
                continue
            if len(envs) > 1:
                parts.append(Padding(Text(env, style="bold", overflow="fold"), (0, 0, 0, 3)))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, min_width=width)
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold", ratio=1)
            for m in rows:
                _verdict_rows(grid, cells[(claim.id, env, m)], m)
            parts.append(Padding(grid, (0, 0, 0, 3 if len(envs) == 1 else 5)))
    return Group(*parts)


def summary_line(verdicts: Iterable[Verdict]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for v in verdicts:
        counts[_ALIASES.get(str(v.status), str(v.status))] += 1
    shown = [key for key in OUTCOMES if counts[key] or key in ("pass", "fail")]
    return _(", ").join(f"{OUTCOMES[k][0]} {counts[k]} {_(SUMMARY_WORDS[k])}" for k in shown)


# -- the labs ------------------------------------------------------------------------------


def lab_table(labs: Sequence[Lab]) -> Table:
    """``labkit list``: id, title in the chosen language, variants, claim ids (never split)."""
    from labkit.claims import by_lab

    table = Table(title=_("labkit labs"), title_justify="left", title_style="bold",
                  box=box.SIMPLE_HEAD, padding=(0, 1), show_edge=False)
    table.add_column(_("lab"), no_wrap=True)
    table.add_column(_("title"), overflow="fold", ratio=1)
    table.add_column(_("variants"), no_wrap=True)
    table.add_column(_("claims"), no_wrap=True)
    for lab in labs:
        title = lab.title_zh if language() == "zh" else lab.title_en
        table.add_row(lab.id, title, "\n".join(lab.scripts()),
                      "\n".join(c.id for c in by_lab(lab.id)), end_section=True)
    table.caption = _("Run one: labkit run 03 -m spawn (--variant NAME for a variant); "
                      "the scripts are in labs/.")
    table.caption_justify = "left"
    return table


# -- one run ------------------------------------------------------------------------------


def _who(p: ProcessRecord) -> str:
    if p.role == "child":
        return p.name
    return {"main": _("main"), "forkserver": _("fork server"),
            "resource_tracker": _("resource tracker"),
            "interpreter": _("interpreter")}.get(p.role, p.role)


def run_title(o: Observation) -> str:
    method = o.start_method or _("unknown")
    if o.method_chosen_by_script:
        method = _("{method}, chosen by the script itself").format(
            method=", ".join(o.effective_start_methods) or method)
    elif o.requested_start_method not in (o.start_method, None):
        method = _("{method} (asked for {requested})").format(
            method=method, requested=o.requested_start_method)
    kind, code = failures_mod.exit_words(o.exit_code)
    end = (_("timed out") if o.timed_out else
           _("exit {code}").format(code=code) if kind == "exit" else
           _("killed by {signal}").format(signal=code) if kind == "signal" else _("no exit code"))
    return _("{lab} [{variant}] under {method}: {end}, {seconds:.2f} s").format(
        lab=o.lab, variant=o.variant, method=method, end=end, seconds=o.duration_s)


def observation_view(o: Observation, max_lines: int = 60, full: bool = False) -> Group:
    """One run: who printed what and when (tracebacks folded to one line unless
    ``full``), each process's life, and why each failed process failed."""
    roles = {p.pid: _who(p) for p in o.processes}
    fails = failures_mod.failures(o)
    first_of = {id(f.lines[0]): f for f in fails}
    hidden = set() if full else {id(x) for f in fails for x in f.lines[1:]}
    # The title above the table, not in it: a table's title wraps at the table's width.
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column(_("t (s)"), justify="right", no_wrap=True)
    table.add_column(_("pid"), justify="right", no_wrap=True)
    table.add_column(_("who"), overflow="fold", max_width=18)
    table.add_column(_("output"), overflow="fold", ratio=1)
    lines = [ln for ln in o.output if id(ln) not in hidden]
    shown = lines if len(lines) <= max_lines else lines[: max_lines // 2] + lines[-max_lines // 2:]
    for i, ln in enumerate(shown):
        if len(lines) > max_lines and i == max_lines // 2:
            table.add_row("…", "", "", Text(_("({n} lines not shown)").format(
                n=len(lines) - max_lines), style="dim"))
        who = _("(fd)") if ln.pid is None else roles.get(ln.pid, "?")
        style = "red" if ln.stream == "stderr" else ""
        text = styled(ln.text, style)  # never markup; an 8 MB line shows its start
        f = first_of.get(id(ln))
        if f is not None and not full:
            text = Text.assemble((f.short(), "red"), (" " + _("(traceback: --full)"), "dim"))
        table.add_row(f"{ln.t:.3f}", str(ln.pid or ""), styled(who), text)
    if o.survivors:  # what the kit could not end, said under the run in full
        left = _("not ended: {processes}").format(processes=", ".join(o.survivors))
        return Group(styled(run_title(o), "bold", TITLE_LIMIT), table,
                     styled(left, "bold red", TITLE_LIMIT))
    return Group(styled(run_title(o), "bold", TITLE_LIMIT), table)


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x * 1000:.1f}"


def _t(x: float | None, unknown: str = "?") -> str:
    return unknown if x is None else f"{x:.3f}"


def _ending(p: ProcessRecord, fail: failures_mod.Failure | None) -> Text:
    kind, code = failures_mod.exit_words(p.exitcode)
    if kind == "signal":
        return Text(_("killed by {signal}").format(signal=code), style="yellow")
    if kind == "exit" and code != "0":
        word = fail.exc_type if fail else _("exit {code}").format(code=code)
        return Text(f"{code} {word}" if fail else word, style="red")
    if kind == "exit":
        return Text("0")
    return Text(_("not seen"), style="dim")


def process_view(o: Observation, full: bool = False) -> RenderableType:
    """Each process: who, made how, when it started and ended, how it ended; then, per
    failed process, its exception and the line of the script that raised it."""
    fails = failures_mod.failures(o)
    last_fail = {f.pid: f for f in fails}
    # The method that made the children is in the run's title; a column only when a
    # process was made otherwise (a script choosing its own context), to keep 80 columns.
    methods = {p.method for p in o.processes if p.method}
    with_method = bool(methods - {o.start_method})
    table = Table(box=box.SIMPLE_HEAD, title=_("processes"), title_justify="left",
                  title_style="bold", padding=(0, 1), show_edge=False)
    table.add_column(_("pid"), justify="right", no_wrap=True)
    table.add_column(_("ppid"), justify="right", no_wrap=True)
    # Roles never wrap (rich shrinks only wrapping columns); a long child name folds. The
    # floor is the widest role shown in this language: a wider one cuts the last column.
    roles = [cell_len(_who(p)) for p in o.processes if p.role != "child"]
    table.add_column(_("who"), overflow="fold", min_width=max(roles, default=None))
    if with_method:
        table.add_column(_("method"), no_wrap=True)
    table.add_column(_("alive (s)"), no_wrap=True)
    table.add_column(_("latency (ms)"), justify="right", overflow="fold", min_width=7)
    table.add_column(_("end"), overflow="fold")
    for p in o.processes:
        lat = p.start_latency if p.role == "child" else None
        # "≤": only the parent's noticing is known, so it died then or before.
        # "?": not traced; "…": still running when the run ended (helpers outlive main).
        ended = ("≤" if p.ended_by == EndSource.NOTICED else "") + _t(p.ended_t, "…")
        # Text, not markup: a process's name is the script's to choose ("[bold]x").
        cells: list[str | Text] = [str(p.pid), str(p.ppid or "—"), styled(_who(p))]
        cells += [styled(p.method or "—")] if with_method else []
        cells += [f"{_t(p.started_t)}–{ended}", _ms(lat) if p.role == "child" else ""]
        table.add_row(*cells, _ending(p, last_fail.get(p.pid)))
    parts: list[RenderableType] = [table]
    # The same failure in many processes (a pool's workers) is said once, with who.
    same: dict[tuple[str, str, str], list[failures_mod.Failure]] = {}
    for f in fails:
        where = f"{f.frame.where}:{f.frame.source}" if f.frame else ""
        same.setdefault((f.exc_type, f.message, where), []).append(f)
    parts += [failure_view(group, o, full) for group in same.values()]
    return Group(*parts)


def failure_view(group: Sequence[failures_mod.Failure], o: Observation,
                 full: bool = False) -> RenderableType:
    """One failure (the same exception, message and line in each process of ``group``):
    who, the exception and its message, and the script's line that raised it."""
    roles = {p.pid: _who(p) for p in o.processes}
    f = group[0]
    whos = [f"{roles.get(x.pid, '?') if x.pid is not None else _('(fd)')} ({x.pid})"
            for x in group]
    who = whos[0] if len(whos) == 1 else _("{first} and {n} more processes").format(
        first=whos[0], n=len(whos) - 1)
    message = f.message if full or len(f.message) <= 240 else f.message[:238] + " …"
    head = Text.assemble(("✗ ", "bold red"), (f"{who}: ", "bold"),
                         (f.exc_type, "bold red"), (f": {message}" if message else ""))
    parts: list[RenderableType] = [head]
    if f.frame is not None:
        where = _("raised at {where} in {function}").format(
            where=f.frame.where, function=f.frame.function)
        parts.append(Padding(Text.assemble((where, "dim"), (": " + f.frame.source
                                                             if f.frame.source else "")),
                             (0, 0, 0, 2)))
    if full:
        for x in group:
            parts.append(Padding(Text("\n".join(ln.text for ln in x.lines), style="red"),
                                 (0, 0, 0, 2)))
    return Group(*parts)


# -- one script, several methods ----------------------------------------------------------


def _last_error(o: Observation) -> str:
    """The exception a run ended with, else its last stderr line that is not code."""
    fails = failures_mod.failures(o)
    if fails:
        return fails[-1].headline
    for x in reversed(o.lines("stderr")):
        if x.text.strip() and not x.text.startswith(" "):
            return x.text
    return "—"


def compare_table(observations: Sequence[Observation]) -> Table:
    """One script under several methods, side by side: what differs is highlighted."""
    obs = sorted(observations, key=lambda o: _method_key(o.requested_start_method))
    table = Table(title=cell(_("{script}: side by side").format(script=obs[0].lab), TITLE_LIMIT),
                  box=box.SIMPLE_HEAD, title_justify="left", title_style="bold",
                  padding=(0, 1))
    table.add_column("", style="bold", overflow="fold", max_width=16)
    for o in obs:
        head = o.requested_start_method
        if o.requested_start_method == "default":
            head += f" ({o.start_method})"
        table.add_column(cell(head), overflow="fold", ratio=1)

    def latency(o: Observation) -> str:
        lat = sorted(x for c in o.children if (x := c.start_latency) is not None)
        return f"{lat[len(lat) // 2] * 1000:.1f} ms" if lat else "—"

    def exit_codes(o: Observation) -> str:
        def one(code: int | None) -> str:
            kind, detail = failures_mod.exit_words(code)
            return detail if kind else _("none")  # "3", "SIGTERM", or no code seen

        return " ".join(one(c.exitcode) for c in o.children) or "—"

    rows = [
        (N_("exit code"), lambda o: str(o.exit_code) if o.exit_code is not None else _("none")),
        (N_("timed out"), lambda o: _("yes") if o.timed_out else _("no")),
        (N_("wall time"), lambda o: f"{o.duration_s:.2f} s"),
        (N_("children"), lambda o: str(len(o.children))),
        (N_("child exit codes"), exit_codes),
        (N_("start latency (median)"), latency),
        (N_("helper processes"), lambda o: ", ".join(sorted(
            {_who(p) for p in o.processes if p.role not in ("main", "child")})) or "—"),
        (N_("stdout lines"), lambda o: str(len(o.lines("stdout")))),
        (N_("stderr lines"), lambda o: str(len(o.lines("stderr")))),
        (N_("error"), _last_error),
    ]
    for name, get in rows:
        values = [get(o) for o in obs]
        differs = len(set(values)) > 1 and name not in ("wall time", "start latency (median)")
        table.add_row(_(name), *[styled(v, "yellow" if differs else "") for v in values])
    # The stdout text, first lines, so the reader sees the different behaviour itself.
    longest = max((len(o.lines("stdout")) for o in obs), default=0)
    for i in range(min(longest, 8)):
        values = [o.lines("stdout")[i].text if i < len(o.lines("stdout")) else "" for o in obs]
        differs = len(set(values)) > 1
        table.add_row(_("stdout {n}").format(n=i + 1),
                      *[styled(v, "yellow" if differs else "") for v in values])
    return table
