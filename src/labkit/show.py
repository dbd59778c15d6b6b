"""Show: Observations and Verdicts as terminal tables (rich), for people.

The last step of run → observe → check → show. Nothing here decides anything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from labkit import console as _console
from labkit.claims import Status, Verdict, all_claims
from labkit.observation import EndSource, Observation, ProcessRecord
from labkit.safe_text import TITLE_LIMIT, cell, styled

MARK = {
    Status.PASS: ("✓", "green"),
    Status.FAIL: ("✗", "bold red"),
    Status.RACE: ("~", "yellow"),
    Status.NOT_APPLICABLE: ("n/a", "dim"),
    Status.NOT_RUN: ("· not run", "magenta"),
}
METHOD_ORDER = ("fork", "spawn", "forkserver", "default")


def console(stderr: bool = False) -> Console:
    return _console.console(stderr)


def _method_key(m: str) -> int:
    return METHOD_ORDER.index(m) if m in METHOD_ORDER else len(METHOD_ORDER)


def verdict_table(verdicts: Sequence[Verdict], title: str = "Claims") -> Table:
    """One environment: rows are claims, columns start methods.

    Several environments (container images, platforms): rows are claim × method and
    there is one column per environment, so a difference between images stands out.
    """
    envs = sorted({v.environment for v in verdicts})
    methods = sorted({v.method for v in verdicts}, key=_method_key)
    cells: dict[tuple[str, str, str], Verdict] = {
        (v.claim, v.environment, v.method): v for v in verdicts
    }
    table = Table(title=cell(title, TITLE_LIMIT), box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("lab", style="bold", no_wrap=True)
    table.add_column("claim", no_wrap=True)
    if len(envs) > 1:
        table.add_column("method", no_wrap=True)
        columns: list[tuple[str, str | None]] = [(env, None) for env in envs]
    else:
        columns = [(envs[0] if envs else "", m) for m in methods]  # type: ignore[misc]
    for env, method in columns:
        table.add_column(cell(env if method is None else method), overflow="fold", max_width=34)
    rows = [(c, m) for c in all_claims() for m in (methods if len(envs) > 1 else [None])]
    last_lab = None
    for claim, row_method in rows:
        row_cells = []
        for env, col_method in columns:
            v = cells.get((claim.id, env, row_method or col_method or ""))
            if v is None:
                row_cells.append(Text(""))
                continue
            mark, style = MARK[v.status]
            row_cells.append(styled(f"{mark} {v.value}".strip(),
                                    style=style if v.status != Status.PASS else ""))
        if not any(c.plain for c in row_cells):
            continue
        head: list[Text | str] = [cell(claim.lab) if claim.lab != last_lab else "",
                                  cell(claim.id)]
        if row_method:
            head.append(cell(row_method))
        last_lab = claim.lab
        table.add_row(*head, *row_cells)
    return table


def summary_line(verdicts: Iterable[Verdict]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for v in verdicts:
        counts[v.status] += 1
    return (f"{counts[Status.PASS]} passed, {counts[Status.FAIL]} failed, "
            f"{counts[Status.RACE]} race, {counts[Status.NOT_APPLICABLE]} not applicable, "
            f"{counts[Status.NOT_RUN]} not run")


def observation_view(o: Observation, max_lines: int = 60) -> Table:
    """One run: who printed what and when, then each process's life."""
    roles = {p.pid: (p.role if p.role != "child" else p.name) for p in o.processes}
    how = (f"the script chose {', '.join(o.effective_start_methods) or o.start_method} itself"
           if o.method_chosen_by_script else f"under {o.start_method}")
    title = (f"{o.lab} [{o.variant}] {how} "
             f"(requested {o.requested_start_method}) — exit {o.exit_code}, "
             f"{o.duration_s:.2f} s{', TIMED OUT' if o.timed_out else ''}")
    table = Table(title=cell(title, TITLE_LIMIT), box=box.SIMPLE_HEAD, title_justify="left")
    if o.survivors:  # what the kit could not end: said under the run, in full
        table.caption = cell(f"NOT ENDED: {', '.join(o.survivors)}", TITLE_LIMIT)
        table.caption_style = "bold red"
        table.caption_justify = "left"
    table.add_column("t (s)", justify="right", no_wrap=True)
    table.add_column("pid", justify="right", no_wrap=True)
    table.add_column("who", no_wrap=True)
    table.add_column("output", overflow="fold")
    lines = list(o.output)
    shown = lines if len(lines) <= max_lines else lines[: max_lines // 2] + lines[-max_lines // 2:]
    for i, ln in enumerate(shown):
        if len(lines) > max_lines and i == max_lines // 2:
            table.add_row("…", "", "", Text(f"({len(lines) - max_lines} lines not shown)",
                                           style="dim"))
        who = "fd" if ln.pid is None else roles.get(ln.pid, "?")
        style = "red" if ln.stream == "stderr" else ""
        table.add_row(f"{ln.t:.3f}", str(ln.pid or ""), cell(who), styled(ln.text, style))
    return table


def process_view(o: Observation) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="processes", title_justify="left")
    for col in ("pid", "ppid", "role", "name", "method", "requested", "started",
                "start latency", "ended", "exit"):
        table.add_column(col, justify="right" if col not in ("role", "name", "method") else "left")

    def t(x: float | None) -> str:
        return "" if x is None else f"{x:.3f}"

    def ended(p: ProcessRecord) -> str:
        # Only the parent's noticing known: it died then or before.
        return ("≤" if p.ended_by == EndSource.NOTICED else "") + t(p.ended_t)

    for p in o.processes:
        lat = (f"{p.start_latency * 1000:.1f} ms"
               if p.role == "child" and p.start_latency is not None else "")
        table.add_row(str(p.pid), str(p.ppid or ""), cell(p.role), cell(p.name),
                      cell(p.method or ""),
                      t(p.start_requested_t), t(p.started_t), lat, ended(p),
                      "" if p.exitcode is None else str(p.exitcode))
    return table


def compare_table(observations: Sequence[Observation]) -> Table:
    """One script under several methods, side by side: what differs is highlighted."""
    obs = sorted(observations, key=lambda o: _method_key(o.requested_start_method))
    table = Table(title=cell(f"{obs[0].lab}: side by side", TITLE_LIMIT), box=box.SIMPLE_HEAD,
                  title_justify="left")
    table.add_column("", style="bold", no_wrap=True)
    for o in obs:
        head = o.requested_start_method
        if o.requested_start_method == "default":
            head += f" ({o.start_method})"
        table.add_column(cell(head), overflow="fold", max_width=40)

    def latency(o: Observation) -> str:
        lat = sorted(x for c in o.children if (x := c.start_latency) is not None)
        return f"{lat[len(lat) // 2] * 1000:.1f} ms" if lat else "—"

    rows = {
        "exit code": lambda o: str(o.exit_code),
        "timed out": lambda o: "yes" if o.timed_out else "no",
        "wall time": lambda o: f"{o.duration_s:.2f} s",
        "children": lambda o: str(len(o.children)),
        "child exit codes": lambda o: " ".join(str(c.exitcode) for c in o.children) or "—",
        "start latency (median)": latency,
        "helper processes": lambda o: " ".join(
            sorted({p.role for p in o.processes if p.role not in ("main", "child")})) or "—",
        "stdout lines": lambda o: str(len(o.lines("stdout"))),
        "stderr lines": lambda o: str(len(o.lines("stderr"))),
        "last stderr line": lambda o: next(
            (x.text for x in reversed(o.lines("stderr")) if x.text.strip()), "—"),
    }
    for name, get in rows.items():
        values = [get(o) for o in obs]
        differs = len(set(values)) > 1 and name not in ("wall time", "start latency (median)")
        table.add_row(name, *[styled(v, "yellow" if differs else "") for v in values])
    # The stdout text, first lines, so the reader sees the different behaviour itself.
    for i in range(max(len(o.lines("stdout")) for o in obs[:1] + list(obs)) if obs else 0):
        if i >= 8:
            break
        values = [o.lines("stdout")[i].text if i < len(o.lines("stdout")) else "" for o in obs]
        differs = len(set(values)) > 1
        table.add_row(f"stdout {i + 1}", *[styled(v, "yellow" if differs else "")
                                           for v in values])
    return table
