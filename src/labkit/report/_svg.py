"""Inline SVG, drawn with xml.etree: process timelines and the start-latency chart.

Every figure is plain SVG inside the HTML file: no script, no font or image fetched
from anywhere. Hovering a bar or a tick shows its details (SVG ``<title>``).
Stdlib-only.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from labkit.i18n import _
from labkit.observation import Observation, OutputLine, ProcessRecord

if TYPE_CHECKING:
    from labkit.report._model import Latency

COLORS = {
    "fork": "#2b6cb0",
    "spawn": "#c05621",
    "forkserver": "#2f855a",
    "default": "#6b46c1",
}
HELPER = "#8a8f98"  # fork server, resource tracker, bare interpreters
MAIN = "#4a5568"
STDOUT = "#1a202c"
STDERR = "#e53e3e"
MAX_ROWS = 12  # processes drawn one per row; the rest share one row

# The figures' look. The HTML page embeds it once: inline SVG takes the page's CSS,
# which keeps thousands of ticks and labels small.
CSS = f"""
svg text{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
"WenQuanYi Micro Hei",sans-serif;font-size:11px}}
svg .ts{{font-size:10px;fill:#4a5568}} svg .tm{{font-size:12px;fill:#718096}}
svg .th{{font-size:12px;font-weight:600}} svg .ta{{text-anchor:end}}
svg .tc{{text-anchor:middle}}
svg line.o{{stroke:{STDOUT};stroke-width:2}} svg line.e{{stroke:{STDERR};stroke-width:2}}
svg line.g{{stroke:#e2e8f0}} svg line.ax{{stroke:#a0aec0}} svg rect.z{{fill:#f7fafc}}
svg .k{{stroke:#1a202c;stroke-width:1;fill:none}}
svg .d{{fill:#fff;stroke:#1a202c;stroke-width:1.2}}
svg .x{{stroke:{STDERR};stroke-width:1.6;fill:none}}
svg .dash{{stroke:#1a202c;stroke-width:1.2;stroke-dasharray:4 3}}
"""


def color(method: str) -> str:
    return COLORS.get(method, "#4a5568")


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    e = ET.SubElement(
        parent,
        tag,
        {k.rstrip("_").replace("_", "-"): _fmt(v) for k, v in attrs.items() if v is not None},
    )
    if text is not None:
        e.text = text
    return e


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.1f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else str(v)
    return str(v)


def _title(parent: ET.Element, text: str) -> None:
    _el(parent, "title", text)


def nice_ticks(hi: float, want: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``hi``."""
    if hi <= 0:
        return [0.0, 1.0]
    raw = hi / want
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    n = math.ceil(hi / step - 1e-9)
    return [round(i * step, 12) for i in range(n + 1)]


def fmt_seconds(t: float) -> str:
    if t == 0:
        return "0"
    if t < 1:
        return f"{t * 1000:.0f} ms" if t * 1000 >= 10 else f"{t * 1000:.1f} ms"
    return f"{t:.1f} s" if t < 10 else f"{t:.0f} s"


def _axis_ms(t: float) -> str:
    ms = t * 1000
    return "0" if ms == 0 else (f"{ms:.0f} ms" if ms == int(ms) else f"{ms:g} ms")


def fmt_ms(t: float | None) -> str:
    if t is None:
        return "–"
    ms = t * 1000
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


# -- timelines ----------------------------------------------------------------------


@dataclass
class Row:
    label: str
    kind: str  # main | child | helper | more | other
    procs: list[ProcessRecord] = field(default_factory=list)


def _label(p: ProcessRecord) -> str:
    names = {"resource_tracker": _("res. tracker"), "interpreter": "python -c pass",
             "forkserver": _("fork server")}
    name = names.get(p.role, p.name)
    return name if len(name) <= 15 else name[:14] + "…"


def timeline_rows(o: Observation, max_rows: int = MAX_ROWS) -> tuple[list[Row], dict[int, int]]:
    """The rows of one run's timeline and which row each pid's output goes to."""
    main = [p for p in o.processes if p.role == "main"]
    rest = [p for p in o.processes if p.role != "main"]
    rest.sort(
        key=lambda p: (
            p.start_requested_t
            if p.start_requested_t is not None
            else (p.started_t if p.started_t is not None else math.inf)
        )
    )
    rows: list[Row] = [Row(_label(p), "main", [p]) for p in main]
    room = max_rows - len(rows)
    shown, more = (rest, []) if len(rest) <= room else (rest[: room - 1], rest[room - 1 :])
    for p in shown:
        rows.append(Row(_label(p), "child" if p.role == "child" else "helper", [p]))
    if more:
        rows.append(Row(_("+{n} more").format(n=len(more)), "more", more))
    where = {p.pid: i for i, r in enumerate(rows) for p in r.procs}
    if any(line.pid not in where for line in o.output):
        rows.append(Row(_("(untraced)"), "other"))
    return rows, where


def run_extent(o: Observation) -> float:
    ts = [o.duration_s]
    for p in o.processes:
        ts += [t for t in (p.start_requested_t, p.started_t, p.ended_t) if t is not None]
    ts += [line.t for line in o.output]
    return max(ts) if ts else 1.0


def _proc_tip(p: ProcessRecord) -> str:
    parts = [f"{p.name} (pid {p.pid}, {p.role})"]
    if p.daemon:
        parts.append(_("daemon"))
    if p.start_requested_t is not None:
        parts.append(_("start() at {t}").format(t=fmt_seconds(p.start_requested_t)))
    if p.started_t is not None:
        parts.append(_("running at {t}").format(t=fmt_seconds(p.started_t)))
        if p.start_latency is not None:
            parts.append(_("start latency {ms}").format(ms=fmt_ms(p.start_latency)))
    if p.ended_t is not None:
        parts.append(_("ended at {t}").format(t=fmt_seconds(p.ended_t)))
    if p.exitcode is not None:
        parts.append(f"exitcode {p.exitcode}")
    return _("; ").join(parts)


def start_window(runs: list[Observation]) -> float:
    """Where the start phase ends: every traced process running and first heard from.

    Shared by the panels of one lab variant, so that the same zoom shows fork's
    child running and printing at once and spawn's still starting.
    """
    ends = [0.0]
    for o in runs:
        firsts: dict[int | None, float] = {}
        for line in o.output:
            firsts.setdefault(line.pid, line.t)
        ends += [p.started_t for p in o.processes if p.started_t is not None and p.role != "main"]
        ends += list(firsts.values())[:8]
    return max(ends) * 1.15


def _svg_root(width: int, height: int, cls: str) -> ET.Element:
    return ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "class": cls,
        },
    )


def timeline_svg(
    o: Observation | None,
    method: str,
    t_max: float,
    width: int = 380,
    note: str = "",
    t_min: float = 0.0,
) -> ET.Element:
    """One run as bars (start requested → started → ended) with output lines as ticks.

    The window ``t_min``–``t_max`` is shared by the panels drawn side by side, so
    that a late start under spawn sits visibly later than the same start under fork.
    """
    label_w, right, top, row_h, axis_h = 100, 12, 22, 16, 22
    plot_w = width - label_w - right
    if o is None:
        svg = _svg_root(width, 60, "timeline")
        _el(svg, "text", f"{method}: " + _("not observed"), x=8, y=34, class_="tm")
        return svg
    rows, where = timeline_rows(o)
    height = top + row_h * len(rows) + axis_h
    span = max(t_max - t_min, 1e-4)

    def x(t: float) -> float:
        return label_w + plot_w * (min(max(t, t_min), t_max) - t_min) / span

    def inside(t: float) -> bool:
        return t_min <= t <= t_max

    svg = _svg_root(width, height, "timeline")
    head = f"{method} · " + _("exit {code}").format(code=o.exit_code) + (
        " · " + _("timed out") if o.timed_out else "")
    head += f" · {fmt_seconds(o.duration_s)}"
    _title(svg, f"{o.lab} {o.variant} under {method} in {o.environment}: {head}")
    _el(svg, "text", head, x=4, y=14, fill=color(method), class_="th")
    if note:
        _el(svg, "text", note, x=width - right, y=14, class_="ts ta")

    # grid and axis
    base_y = top + row_h * len(rows)
    for tick in nice_ticks(span, 4):
        if tick > span * 1.0001:
            break
        xx = x(t_min + tick)
        _el(svg, "line", x1=xx, x2=xx, y1=top - 2, y2=base_y, class_="g")
        _el(svg, "text", fmt_seconds(t_min + tick), x=xx, y=base_y + 14, class_="ts tc")
    _el(svg, "line", x1=label_w, x2=label_w + plot_w, y1=base_y, y2=base_y, class_="ax")

    end = o.duration_s
    for i, row in enumerate(rows):
        y = top + i * row_h
        if i % 2:
            _el(svg, "rect", x=0, y=y, width=width, height=row_h, class_="z")
        _el(svg, "text", row.label, x=label_w - 6, y=y + row_h - 4, class_="ta")
        fill = {"main": MAIN, "child": color(method)}.get(row.kind, HELPER)
        if row.kind == "more":
            _crowd(svg, row, x, y, end, t_min, t_max, color(method))
            continue
        for p in row.procs:
            req, run, stop = p.start_requested_t, p.started_t, p.ended_t
            open_end = stop is None
            if stop is None:  # alive to the end, except a bare interpreter: end not traced
                stop = run if p.role == "interpreter" else end
            first = req if req is not None else run
            if first is None or first > t_max or (stop is not None and stop < t_min):
                continue
            stop = stop if stop is not None else end
            g = _el(svg, "g")
            _title(g, _proc_tip(p))
            bar_y, bar_h = y + 4, row_h - 8
            if req is not None and run is not None and run > req:
                # start requested → started: the cost of starting, drawn light
                _el(
                    g,
                    "rect",
                    x=x(req),
                    y=bar_y,
                    width=max(x(run) - x(req), 1.0),
                    height=bar_h,
                    fill=fill,
                    fill_opacity=0.3,
                )
            if req is not None and inside(req):
                _el(
                    g,
                    "line",
                    x1=x(req),
                    x2=x(req),
                    y1=y + 2,
                    y2=y + row_h - 2,
                    stroke=fill,
                    stroke_width=1.5,
                )
            if run is not None:
                _el(
                    g,
                    "rect",
                    x=x(run),
                    y=bar_y,
                    width=max(x(stop) - x(run), 1.0),
                    height=bar_h,
                    fill=fill,
                    fill_opacity=0.35 if open_end else 0.7,
                )
            if p.exitcode not in (None, 0) and inside(stop):
                cx = x(stop)
                _el(
                    g,
                    "path",
                    d=f"M{cx - 3:.1f},{y + 3} l6,{row_h - 6} m0,-{row_h - 6} l-6,{row_h - 6}",
                    class_="x",
                )

    # output lines as ticks, one per pixel column, row and stream
    other = len(rows) - 1
    ticks: dict[tuple[int, int, str], list[OutputLine]] = defaultdict(list)
    for line in o.output:
        if not inside(line.t):
            continue
        row_i = where.get(line.pid, other) if line.pid is not None else other
        ticks[(row_i, round(x(line.t)), line.stream)].append(line)
    for (row_i, px, stream), lines in sorted(ticks.items()):
        y = top + row_i * row_h
        mark = _el(
            svg, "line", x1=px, x2=px, y1=y, y2=y + row_h, class_="e" if stream == "stderr" else "o"
        )
        shown = "\n".join(ln.text[:80] for ln in lines[:2])
        if len(lines) > 2:
            shown += "\n… " + _("{n} more lines").format(n=len(lines) - 2)
        _title(mark, _("{stream} at {t}: {text}").format(stream=stream, t=fmt_ms(lines[0].t),
                                                         text=shown))
    return svg


def _crowd(
    svg: ET.Element,
    row: Row,
    x: Callable[[float], float],
    y: float,
    end: float,
    t_min: float,
    t_max: float,
    fill: str,
) -> None:
    """Many processes on one row: their running spans merged per pixel, one tooltip."""
    spans = []
    for p in row.procs:
        if p.started_t is None:
            continue
        stop = p.ended_t if p.ended_t is not None else end
        if p.started_t > t_max or stop < t_min:
            continue
        spans.append((x(p.started_t), max(x(stop), x(p.started_t) + 1.0)))
    spans.sort()
    merged: list[list[float]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + 1.0:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    g = _el(svg, "g")
    codes = sorted({str(p.exitcode) for p in row.procs})
    _title(
        g,
        _("{n} more processes (running spans merged); exit codes: {codes}").format(
            n=len(row.procs), codes=", ".join(codes[:8])),
    )
    for a, b in merged:
        _el(g, "rect", x=a, y=y + 5, width=b - a, height=6, fill=fill, fill_opacity=0.55)


# -- start latency ----------------------------------------------------------------------


def latency_svg(groups: list[tuple[str, list[Latency]]], width: int = 980) -> ET.Element:
    """Horizontal bars: per environment, one bar per start method.

    ``groups`` is ``[(environment label, [Latency, ...]), ...]``. The bar is the
    median of later starts (the first start when there is only one), the whisker
    spans the fastest and slowest start, the diamond marks the first start, and a
    dashed line marks a bare interpreter start where lab 14 measured it.
    """
    label_w, right, top, bar_h, gap, legend_h, head_h = 110, 170, 34, 16, 12, 26, 18
    plot_w = width - label_w - right
    rows = sum(len(items) for _, items in groups)
    height = top + rows * (bar_h + 4) + (gap + head_h) * len(groups) + legend_h
    values = [
        v
        for _, items in groups
        for lat in items
        for v in (lat.high, lat.first, lat.later, lat.interpreter)
        if v is not None
    ]
    ticks = nice_ticks(max(values) if values else 1e-3, 6)
    hi = ticks[-1] or 1e-3

    def x(t: float) -> float:
        return label_w + plot_w * t / hi

    svg = _svg_root(width, height, "latency")
    _title(svg, "Start latency per start method and environment")
    for tick in ticks:
        xx = x(tick)
        _el(svg, "line", x1=xx, x2=xx, y1=top - 6, y2=height - legend_h, class_="g")
        _el(svg, "text", _axis_ms(tick), x=xx, y=top - 10, class_="ts tc")
    y = top
    for env_label, items in groups:
        _el(svg, "text", env_label, x=4, y=y + 12, class_="th")
        y += head_h
        y0 = y
        for lat in items:
            c = color(lat.method)
            g = _el(svg, "g")
            _title(
                g,
                f"{env_label} · {lat.method}: " + _(
                    "later starts median {later}, first start {first}, range {low}–{high}, "
                    "{starts} starts in {runs} runs ({source})").format(
                    later=fmt_ms(lat.later), first=fmt_ms(lat.first), low=fmt_ms(lat.low),
                    high=fmt_ms(lat.high), starts=lat.starts, runs=lat.runs, source=lat.source),
            )
            _el(g, "text", lat.method, x=label_w - 8, y=y + bar_h - 3, fill=c, class_="ta")
            typical = lat.typical or 0.0
            _el(
                g,
                "rect",
                x=label_w,
                y=y,
                width=max(x(typical) - label_w, 1.5),
                height=bar_h,
                fill=c,
                fill_opacity=0.85,
            )
            if lat.low is not None and lat.high is not None:
                mid = y + bar_h / 2
                _el(
                    g,
                    "path",
                    d=f"M{x(lat.low):.1f},{mid - 4:.1f} v8 m0,-4 H{x(lat.high):.1f} m0,-4 v8",
                    class_="k",
                )
            if lat.first is not None and lat.later is not None:
                fx, my = x(lat.first), y + bar_h / 2
                _el(g, "path", d=f"M{fx:.1f},{my - 6:.1f} l5,6 l-5,6 l-5,-6 z", class_="d")
            label = fmt_ms(typical)
            if lat.first is not None and lat.later is not None:
                label += _(" (first {ms})").format(ms=fmt_ms(lat.first))
            lx = min(max(x(lat.high or typical), x(lat.first or 0)) + 8, width - right + 8)
            _el(g, "text", label, x=lx, y=y + bar_h - 3)
            y += bar_h + 4
        interp = next((lat.interpreter for lat in items if lat.interpreter), None)
        if interp:
            line = _el(svg, "line", x1=x(interp), x2=x(interp), y1=y0 - 3, y2=y - 1, class_="dash")
            _title(
                line,
                f"{env_label}: " + _("a bare interpreter start (python -c pass), {ms}, "
                                     "measured by lab 14").format(ms=fmt_ms(interp)),
            )
        y += gap
    _latency_legend(svg, label_w, height - 8)
    return svg


def _latency_legend(svg: ET.Element, x0: float, y: float) -> None:
    _el(svg, "rect", x=x0, y=y - 9, width=18, height=10, fill="#718096")
    _el(svg, "text", _("median of later starts"), x=x0 + 24, y=y)
    x1 = x0 + 160
    _el(svg, "path", d=f"M{x1 + 5:.1f},{y - 10:.1f} l5,6 l-5,6 l-5,-6 z", class_="d")
    _el(svg, "text", _("first start"), x=x1 + 16, y=y)
    x2 = x1 + 90
    _el(svg, "path", d=f"M{x2:.1f},{y - 8:.1f} v8 m0,-4 h20 m0,-4 v8", class_="k")
    _el(svg, "text", _("fastest – slowest"), x=x2 + 26, y=y)
    x3 = x2 + 130
    _el(svg, "line", x1=x3, x2=x3, y1=y - 11, y2=y + 1, class_="dash")
    _el(svg, "text", _("bare interpreter start (python -c pass)"), x=x3 + 8, y=y)


def to_string(e: ET.Element) -> str:
    return ET.tostring(e, encoding="unicode", method="html")
