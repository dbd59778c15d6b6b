"""Markdown for a GitHub job summary (``$GITHUB_STEP_SUMMARY``, limit 1 MiB per step).

The same report as the HTML, laid out as tables, with text timelines for one
environment. It is kept under ``budget`` bytes by dropping detail in a fixed order
(text timelines, then the values in matrix cells, then failure evidence); the
HTML keeps everything.
"""

from __future__ import annotations

import re

from labkit.claims import Status
from labkit.i18n import N_, _, claim_text, ngettext
from labkit.observation import Observation
from labkit.report import _svg
from labkit.report._model import NOT_JUDGED, Environment, Latency, Report, method_rank
from labkit.values import in_words

GITHUB_SUMMARY_LIMIT = 1024 * 1024
BUDGET = 512 * 1024  # well under GitHub's limit: other steps may append to the summary
ICON = {
    Status.PASS: "✅",
    Status.FAIL: "❌",
    Status.RACE: "🔀",
    Status.NOT_APPLICABLE: "➖",
    Status.NOT_RUN: "⏸",
    NOT_JUDGED: "·",
}
WORD = {
    Status.PASS: N_("pass"),
    Status.FAIL: N_("fail"),
    Status.RACE: N_("race"),
    Status.NOT_APPLICABLE: N_("not applicable"),
    Status.NOT_RUN: N_("not run"),
}
_MD_SPECIAL = re.compile(r"[\\`*_\[\]|#!~]")  # shown literally, not as formatting


def cell_text(text: str, limit: int = 60) -> str:
    """Text from Observations, safe in a table cell or a heading: one line, no HTML,
    no table break, Markdown's own characters shown as written."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\g<0>", text)


def html_text(text: str, limit: int = 100) -> str:
    """Text inside an HTML element (``<summary>``): HTML escaped, Markdown not applied."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code_line(text: str) -> str:
    """A line inside a ``` block: a backtick run there could close the block."""
    return text.replace("`", "ˋ")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def _totals(t: dict[str, int]) -> str:
    return " · ".join(f"{ICON[s]} {t.get(s, 0)} {_(WORD[s])}" for s in Status)


def _head(report: Report) -> list[str]:
    n_env = len(report.environments)
    return [
        "# " + _("labkit report"),
        "",
        ngettext(
            "{runs} Observations from {n} environment, judged by {claims} claims: ",
            "{runs} Observations from {n} environments, judged by {claims} claims: ",
            n_env,
        ).format(runs=len(report.observations), n=n_env, claims=len(report.claims))
        + f"{_totals(report.totals())}.",
        "",
    ]


def _environments(report: Report) -> list[str]:
    rows = []
    for env in report.environments:
        t = report.totals(env)
        rows.append(
            [
                cell_text(env.label),
                cell_text(", ".join(env.python_versions)),
                cell_text(", ".join(env.releases), 40),
                cell_text(", ".join(env.machines)),
                cell_text(", ".join(env.ci_jobs) or "–", 50),
                cell_text(", ".join(env.methods)),
                cell_text(env.default_method or "?"),
                str(env.count),
                *(str(t[s]) for s in Status),
            ]
        )
    return ["## " + _("Environments"), ""] + _table(
        [
            _("environment"),
            "Python",
            _("OS release"),
            _("arch"),
            _("CI job"),
            _("start methods"),
            _("default"),
            _("runs"),
            *(ICON[s] for s in Status),
        ],
        rows,
    )


def _failures(report: Report, with_detail: bool) -> list[str]:
    fails = report.failures()
    if not fails:
        return ["## " + _("Failures"), "", _("No claim failed."), ""]
    rows = []
    for claim, col, cell in fails:
        statement = claim_text(claim.id, "statement", default=claim.statement)
        row = [cell_text(statement, 100) + f" `{claim.id}`", cell_text(col.env.label),
               cell_text(col.method), cell_text(in_words(cell.value), 80)]
        if with_detail:
            row.append(cell_text(in_words(cell.detail), 160))
        rows.append(row)
    head = [_("claim"), _("environment"), _("method"), _("value")] + (
        [_("evidence")] if with_detail else [])
    return ["## " + _("Failures ({n})").format(n=len(fails)), ""] + _table(head, rows)


def _latency_cell(lat: Latency | None) -> str:
    if lat is None:
        return "–"
    text = _svg.fmt_ms(lat.typical)
    if lat.later is not None and lat.first is not None:
        text += _(" (first {ms})").format(ms=_svg.fmt_ms(lat.first))
    return text


def _latency(report: Report) -> list[str]:
    if not report.latency:
        return []
    methods = sorted({lat.method for lat in report.latency}, key=method_rank)
    by_env: dict[str, dict[str, Latency]] = {}
    for lat in report.latency:
        by_env.setdefault(lat.env.key, {})[lat.method] = lat
    rows = []
    for env in report.environments:
        got = by_env.get(env.key)
        if not got:
            continue
        interp = next((lat.interpreter for lat in got.values() if lat.interpreter), None)
        spawn, fork = got.get("spawn"), got.get("fork")
        ratio = "–"
        if spawn and fork and spawn.typical and fork.typical:
            ratio = f"×{spawn.typical / fork.typical:.0f}"
        where = env.label
        if any(lat.source != "lab 14" for lat in got.values()):
            where += _(" (all runs: lab 14 absent)")
        rows.append(
            [cell_text(where)]
            + [_latency_cell(got.get(m)) for m in methods]
            + [_svg.fmt_ms(interp), ratio]
        )
    return [
        "## " + _("Start latency"),
        "",
        _("start() → the child running: median of later starts (first start in brackets); "
          "lab 14 where it ran."),
        "",
    ] + _table([_("environment"), *map(cell_text, methods), _("bare interpreter"),
                "spawn / fork"], rows)


def _matrix(report: Report, with_values: bool) -> list[str]:
    out = [
        "## " + _("Claims × environments"),
        "",
        _("✅ pass · ❌ fail · 🔀 race (not asserted, frequency shown) · ➖ not applicable "
          "(declared reason) · ⏸ not run · · not about this method. Environments absent "
          "from the inputs are absent here."),
        "",
    ]
    if report.unobserved:
        ids = ", ".join(f"`{c.id}`" for c in report.unobserved)
        out += [_("Not observed anywhere (their labs did not run): ") + ids + ".", ""]
    if not report.claims:
        return out
    for group, envs in report.groups():
        cols = [c for e in envs for c in report.columns_of(e)]
        out += [f"### {cell_text(group, 200)}", ""]
        head = [_("claim")] + [cell_text(f"{c.env.short} {c.method}") for c in cols]
        rows = []
        for claim in report.claims:
            statement = claim_text(claim.id, "statement", default=claim.statement)
            row = [cell_text(statement, 80 if with_values else 40) + f" `{claim.id}`"]
            for col in cols:
                cell = report.cell(claim, col)
                text = ICON[cell.status]
                if with_values and cell.status != NOT_JUDGED and cell.text:
                    text += " " + cell_text(cell.text, 40)
                row.append(text)
            rows.append(row)
        out += _table(head, rows)
    return out


def text_timeline(
    runs: list[tuple[str, Observation]], width: int = 56, t_max: float | None = None
) -> list[str]:
    """Unicode timelines, one block per start method, on one shared time axis.

    ``░`` start() called, not yet running · ``█`` running · ``▒`` running, end not
    traced · ``•`` a line on stdout · ``!`` a line on stderr · ``✕`` non-zero exit.
    The axis runs from 0 to ``t_max`` (the longest run when None); later events are
    left out.
    """
    if t_max is None:
        t_max = max(_svg.run_extent(o) for _, o in runs)
    t_max = max(t_max, 1e-4)

    def col(t: float) -> int:
        return min(width - 1, max(0, int(t / t_max * (width - 1) + 0.5)))

    lines = []
    for method, o in runs:
        head = f"{method} · " + _("exit {code}").format(code=o.exit_code) + (
            " · " + _("timed out") if o.timed_out else "")
        lines.append(code_line(f"{head} · {_svg.fmt_seconds(o.duration_s)}"))
        rows, where = _svg.timeline_rows(o, max_rows=8)
        grid = [[" "] * width for _ in rows]
        for i, row in enumerate(rows):
            for p in row.procs:
                req, run, stop = p.start_requested_t, p.started_t, p.ended_t
                end = stop if stop is not None else o.duration_s
                if stop is None and p.role == "interpreter":
                    end = run if run is not None else end  # its end is not traced
                if (req if req is not None else run or 0.0) > t_max:
                    continue
                if req is not None and run is not None:
                    for c in range(col(req), col(run) + 1):
                        grid[i][c] = "░"
                if run is not None:
                    for c in range(col(run), col(end) + 1):
                        grid[i][c] = "█" if stop is not None else "▒"
                if p.exitcode not in (None, 0) and row.kind != "more" and end <= t_max:
                    grid[i][col(end)] = "✕"
        other = len(rows) - 1
        for line in o.output:
            if line.t > t_max:
                continue
            i = where.get(line.pid, other) if line.pid is not None else other
            grid[i][col(line.t)] = "!" if line.stream == "stderr" else "•"
        for row, cells in zip(rows, grid, strict=True):
            lines.append(code_line(f"  {row.label[:14]:<14} {''.join(cells).rstrip()}"))
        lines.append("")
    lines.append(f"  {'':<14} 0{_svg.fmt_seconds(t_max):>{width - 1}}")
    return lines


def _timelines(report: Report, env: Environment) -> list[str]:
    out = [
        "## " + _("Timelines ({env})").format(env=cell_text(env.label, 200)),
        "",
        _("Each process from start() (░) to running (█), output lines as • (stdout) and ! "
          "(stderr); the start methods share one time axis. Every environment and variant "
          "is in the HTML report."),
        "",
    ]
    for lab in report.labs:
        variant = lab.variants[0]
        runs = [(m, report.first_run(lab.id, variant, env, m)) for m in env.methods]
        present = [(m, o) for m, o in runs if o is not None]
        if not present:
            continue
        title = f"{lab.heading} ({variant})"
        out += [f"<details><summary>{html_text(title, 100)}</summary>", ""]
        whole = max(_svg.run_extent(o) for _, o in present)
        zoom = _svg.start_window([o for _, o in present])
        if 0 < zoom < whole * 0.5:
            out += [_("Start phase, the first {seconds}:").format(
                seconds=_svg.fmt_seconds(zoom)), "", "```text"]
            out += text_timeline(present, t_max=zoom)
            out += ["```", "", _("Whole run:"), ""]
        out += ["```text"] + text_timeline(present, t_max=whole) + ["```", "", "</details>", ""]
    return out


def _footer(report: Report) -> list[str]:
    src = "; ".join(f"{s.path} ({s.observations})" for s in report.sources)
    return ["---", "", cell_text(_("read from: ") + src, 2000) if src else "", ""]


def render_markdown(report: Report, budget: int = BUDGET) -> str:
    """The report as GitHub-flavoured Markdown of at most ``budget`` bytes (UTF-8)."""
    levels = [
        dict(timelines=True, values=True, detail=True),
        dict(timelines=False, values=True, detail=True),
        dict(timelines=False, values=False, detail=True),
        dict(timelines=False, values=False, detail=False),
    ]
    text = ""
    for i, lv in enumerate(levels):
        parts = _head(report)
        if i:
            parts += [
                "> " + _("Shortened to fit a job summary ({kib} KiB): the HTML "
                         "report has every value and timeline.").format(kib=budget // 1024),
                "",
            ]
        parts += _failures(report, lv["detail"])
        parts += _environments(report) + _latency(report)
        parts += _matrix(report, lv["values"])
        if lv["timelines"]:
            parts += _timelines(report, report.reference_environment())
        parts += _footer(report)
        text = "\n".join(parts)
        if len(text.encode("utf-8")) <= budget:
            return text
    # Still too large (thousands of environments): keep the head and the failures.
    head = "\n".join(_head(report) + _failures(report, False))
    cut = head.encode("utf-8")[: budget - 200].decode("utf-8", "ignore")
    return cut + "\n\n> " + _("Truncated to fit a job summary: see the HTML report.") + "\n"
