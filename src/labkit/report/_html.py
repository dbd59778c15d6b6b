"""One self-contained HTML file: inline CSS and SVG, no script, nothing fetched."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from labkit import __version__
from labkit.claims import Status
from labkit.claims.texts import tutorial_check
from labkit.i18n import N_, _, claim_text, language, ngettext
from labkit.report import _svg
from labkit.report._model import NOT_JUDGED, Environment, LabView, Latency, Report, method_rank
from labkit.values import in_words

CSS = """
:root{--pass:#c6f6d5;--pass-b:#2f855a;--fail:#fed7d7;--fail-b:#c53030;--na:#edf2f7;--na-b:#718096;
--race:#fefcbf;--race-b:#975a16;--nr:#e9d8fd;--nr-b:#6b46c1}
*{box-sizing:border-box}
body{margin:0;padding:20px 28px 60px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans","Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",
sans-serif;color:#1a202c;background:#fff}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:34px 0 8px;padding-bottom:4px;border-bottom:2px solid #e2e8f0}
h3{font-size:16px;margin:26px 0 6px}
h4{font-size:13px;margin:14px 0 4px;color:#4a5568}
p.lede{margin:4px 0 10px;color:#4a5568}
nav a{margin-right:12px}
a{color:#2b6cb0;text-decoration:none}
table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #e2e8f0;padding:3px 6px;vertical-align:top;text-align:left}
thead th{background:#f7fafc;position:sticky;top:0;z-index:1}
.scroll{overflow:auto;max-width:100%;border:1px solid #e2e8f0}
.matrix td.c{min-width:84px;max-width:150px;font-size:11px;line-height:1.25}
.matrix th.claim{min-width:230px;max-width:320px;font-weight:normal;background:#fff;
position:sticky;left:0;z-index:1}
.matrix th.claim code{font-weight:600}
.matrix tr.lab th{background:#edf2f7;font-weight:600;position:sticky;left:0}
.matrix thead th{font-size:11px;text-align:center}
.matrix thead th.grp{background:#e2e8f0}
td.race{background:var(--race)} td.nr{background:var(--nr)}
td.pass{background:var(--pass)} td.fail{background:var(--fail)} td.na{background:var(--na);
color:#4a5568} td.nj{background:#fff;color:#cbd5e0;text-align:center}
.s{font-weight:700;display:block}
td.pass .s{color:var(--pass-b)} td.fail .s{color:var(--fail-b)} td.na .s{color:var(--na-b)}
td.race .s{color:var(--race-b)} td.nr .s{color:var(--nr-b)}
.badge.race{background:var(--race);color:var(--race-b)}
.badge.nr{background:var(--nr);color:var(--nr-b)}
.badge{display:inline-block;border-radius:9px;padding:1px 8px;font-weight:600;font-size:12px;
margin-right:4px}
.badge.pass{background:var(--pass);color:var(--pass-b)}
.badge.fail{background:var(--fail);color:var(--fail-b)}
.badge.na{background:var(--na);color:var(--na-b)}
.legend span{margin-right:14px;font-size:12px}
.swatch{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
.window{font-size:11px;color:#718096;margin:6px 0 2px}
.panels{display:flex;flex-wrap:wrap;gap:10px;align-items:flex-start}
.panels svg{border:1px solid #e2e8f0;background:#fff}
details{margin:6px 0}
details>summary{cursor:pointer;font-weight:600;color:#2d3748}
.claims-list{margin:4px 0 8px 18px;padding:0;font-size:13px}
.claims-list q{color:#4a5568}
.muted{color:#718096}
footer{margin-top:40px;font-size:12px;color:#718096}
"""

STATUS_CLASS = {
    Status.PASS: "pass",
    Status.FAIL: "fail",
    Status.RACE: "race",
    Status.NOT_APPLICABLE: "na",
    Status.NOT_RUN: "nr",
    NOT_JUDGED: "nj",
}
STATUS_TEXT = {
    Status.PASS: N_("pass"),
    Status.FAIL: N_("FAIL"),
    Status.RACE: N_("race"),
    Status.NOT_APPLICABLE: N_("not applicable"),
    Status.NOT_RUN: N_("not run"),
    NOT_JUDGED: "–",
}


def _e(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    e = ET.SubElement(
        parent, tag, {k.rstrip("_"): str(v) for k, v in attrs.items() if v is not None}
    )
    if text is not None:
        e.text = text
    return e


def _badges(parent: ET.Element, totals: dict[str, int]) -> None:
    for status in Status:
        cls = STATUS_CLASS[status]
        n = totals.get(status, 0)
        _e(
            parent,
            "span",
            f"{n} {_(STATUS_TEXT[status])}",
            class_=f"badge {cls if n else 'na'}",
        )


def _legend(parent: ET.Element) -> None:
    p = _e(parent, "p", class_="legend")
    for cls, text in (
        ("pass", _("pass: the claim holds")),
        ("fail", _("FAIL: it does not")),
        ("race", _("race: not asserted, the measured frequency shown")),
        ("na", _("not applicable: for the reason on hover")),
        ("nr", _("not run: the runs the claim reads were not made")),
        ("nj", _("–: the claim is not about this start method")),
    ):
        s = _e(p, "span")
        _e(
            s,
            "span",
            class_=f"swatch {cls}",
            style="border:1px solid #cbd5e0;background:"
            + ("#fff" if cls == "nj" else f"var(--{cls})"),
        )
        _e(s, "span", text)


def _environments(body: ET.Element, report: Report) -> None:
    _e(body, "h2", _("Environments"), id="environments")
    _e(
        body,
        "p",
        _("Each environment is one OS and Python (and container image) whose "
          "Observations were read; nothing else is shown."),
        class_="lede",
    )
    wrap = _e(body, "div", class_="scroll")
    t = _e(wrap, "table")
    head = _e(_e(t, "thead"), "tr")
    for h in (
        _("environment"),
        "Python",
        _("OS release"),
        _("arch"),
        _("image"),
        _("CI job"),
        _("start methods"),
        _("default"),
        _("runs"),
        _("verdicts"),
    ):
        _e(head, "th", h)
    tb = _e(t, "tbody")
    for env in report.environments:
        tr = _e(tb, "tr")
        _e(tr, "td", env.label)
        _e(tr, "td", ", ".join(env.python_versions) + f" ({env.implementation})")
        _e(tr, "td", ", ".join(env.releases))
        _e(tr, "td", ", ".join(env.machines))
        _e(tr, "td", env.image or _("native"))
        _e(tr, "td", ", ".join(env.ci_jobs) or "–")
        _e(tr, "td", ", ".join(env.methods))
        _e(tr, "td", env.default_method or "?")
        _e(tr, "td", str(env.count))
        _badges(_e(tr, "td"), report.totals(env))


def _matrix(body: ET.Element, report: Report) -> None:
    _e(body, "h2", _("Claims × environments"), id="claims")
    _e(
        body,
        "p",
        _("Every claim judged by the same check on every environment and start "
          "method observed, with the value it measured. Hover a cell for the evidence."),
        class_="lede",
    )
    _legend(body)
    if report.unobserved:
        _e(
            body,
            "p",
            _("Not observed anywhere (their labs did not run): ")
            + ", ".join(c.id for c in report.unobserved),
            class_="muted",
        )
    if not report.claims:
        return
    wrap = _e(body, "div", class_="scroll", style="max-height:80vh")
    t = _e(wrap, "table", class_="matrix")
    thead = _e(t, "thead")
    r1, r2 = _e(thead, "tr"), _e(thead, "tr")
    _e(r1, "th", _("claim"), rowspan="2", class_="claim")
    for env in report.environments:
        cols = report.columns_of(env)
        _e(r1, "th", env.label, colspan=str(len(cols)), class_="grp")
        for col in cols:
            _e(r2, "th", col.method, style=f"color:{_svg.color(col.method)}")
    tb = _e(t, "tbody")
    labs = {lab.id: lab for lab in report.labs}
    current = None
    for claim in report.claims:
        if claim.lab != current:
            current = claim.lab
            lab = labs.get(claim.lab)
            tr = _e(tb, "tr", class_="lab")
            th = _e(tr, "th", colspan=str(1 + len(report.columns)))
            title = _("Lab {lab}").format(lab=claim.lab)
            if lab:
                title += f" — {lab.title}"
            _e(th, "a", title, href=f"#lab-{claim.lab}")
        tr = _e(tb, "tr")
        statement = claim_text(claim.id, "statement", default=claim.statement)
        th = _e(tr, "th", class_="claim", title=claim.id)
        _e(th, "span", statement)
        _e(th, "br")
        _e(th, "code", claim.id, class_="muted")
        for col in report.columns:
            cell = report.cell(claim, col)
            tip = f"{claim.id} · {col.label}\n{_(STATUS_TEXT[cell.status])}: {cell.text}"
            if cell.detail:
                tip += f"\n{in_words(cell.detail)}"
            td = _e(tr, "td", class_=f"c {STATUS_CLASS[cell.status]}", title=tip)
            if cell.status == NOT_JUDGED:
                td.text = "–"
                continue
            _e(td, "span", _(STATUS_TEXT[cell.status]), class_="s")
            text = cell.text
            if text:
                td_text = text if len(text) <= 90 else text[:88] + "…"
                _e(td, "span", td_text)


def _failures(body: ET.Element, report: Report) -> None:
    fails = report.failures()
    if not fails:
        return
    _e(body, "h2", _("Failures ({n})").format(n=len(fails)), id="failures")
    t = _e(_e(body, "div", class_="scroll"), "table")
    head = _e(_e(t, "thead"), "tr")
    for h in (_("claim"), _("environment"), _("method"), _("value"), _("evidence")):
        _e(head, "th", h)
    tb = _e(t, "tbody")
    for claim, col, cell in fails:
        tr = _e(tb, "tr")
        td = _e(tr, "td")
        _e(td, "span", claim_text(claim.id, "statement", default=claim.statement) + " ")
        _e(td, "code", claim.id, class_="muted")
        _e(tr, "td", col.env.label)
        _e(tr, "td", col.method)
        _e(tr, "td", cell.text)
        _e(tr, "td", in_words(cell.detail)[:400])


def _latency(body: ET.Element, report: Report) -> None:
    _e(body, "h2", _("Start latency"), id="latency")
    _e(
        body,
        "p",
        _("From start() to the child's first instruction, per start method and "
          "environment. Bar: median of later starts; diamond: the first start; "
          "whisker: fastest to slowest; dashed line: a bare interpreter start "
          "(python -c pass). Measured by lab 14 where it ran, alone."),
        class_="lede",
    )
    if not report.latency:
        _e(body, "p", _("No child start was traced in these Observations."), class_="muted")
        return
    by_env: dict[str, list[Latency]] = {}
    for lat in report.latency:
        by_env.setdefault(lat.env.key, []).append(lat)
    groups = []
    for items in by_env.values():
        items.sort(key=lambda lat: method_rank(lat.method))
        label = items[0].env.label
        if any(lat.source != "lab 14" for lat in items):
            label += _(" (all runs: lab 14 absent)")
        groups.append((label, items))
    body.append(_svg.latency_svg(groups))


def _lab_section(body: ET.Element, report: Report, lab: LabView, open_env: str) -> None:
    sec = _e(body, "section", id=f"lab-{lab.id}")
    _e(sec, "h3", lab.heading)
    if lab.claims:
        ul = _e(sec, "ul", class_="claims-list")
        for c in lab.claims:
            li = _e(ul, "li")
            s = _e(li, "span", claim_text(c.id, "statement", default=c.statement) + " ")
            if c.source != "kit":
                quote = c.source if language() == "zh" else claim_text(c.id, "quote", c.source)
                _e(s, "q", quote)
            _e(li, "code", " " + c.id, class_="muted")
            check = tutorial_check(c.id)
            if check is not None:
                said = _e(li, "div", class_="muted")
                word = {"confirmed": _("confirmed"), "refuted": _("refuted"),
                        "platform": _("depends on the platform")}.get(str(check.verdict), "")
                _e(said, "b", _("the tutorial: ") + word)
                _e(said, "span", " — " + (check.evidence.get(language())
                                         or check.evidence.get("en", "")))
    for env in report.lab_environments(lab.id):
        det = _e(sec, "details", open="open" if env.key == open_env else None)
        _e(det, "summary", env.label)
        for variant in lab.variants:
            _variant(det, report, lab, variant, env)


def _variant(
    parent: ET.Element,
    report: Report,
    lab: LabView,
    variant: str,
    env: Environment,
    start_only: bool = False,
) -> None:
    methods = [m for m in env.methods if report.first_run(lab.id, variant, env, m) is not None]
    if not methods:
        return
    runs = {m: report.first_run(lab.id, variant, env, m) for m in methods}
    present = [o for o in runs.values() if o is not None]
    t_max = max(_svg.run_extent(o) for o in present)
    zoom = _svg.start_window(present)
    if not start_only:
        _e(parent, "h4", _("variant: {variant}").format(variant=variant))
    windows = [(_("whole run"), t_max)]
    if 0 < zoom < t_max * 0.5:
        windows.insert(0, (_("start phase: the first {seconds}").format(
            seconds=_svg.fmt_seconds(zoom)), zoom))
    if start_only:
        windows = windows[:1]
    for caption, until in windows:
        _e(parent, "div", caption, class_="window")
        panels = _e(parent, "div", class_="panels")
        for m in methods:
            n = len(report.runs(lab.id, variant, env, m))
            panels.append(
                _svg.timeline_svg(runs[m], m, until,
                                  note=_("1 of {n} runs").format(n=n) if n > 1 else "")
            )


def _first_look_target(report: Report) -> tuple[LabView, Environment] | None:
    """Lab 01 (or the first lab) in the reference environment, if it ran there."""
    if not report.labs:
        return None
    lab = next((lab for lab in report.labs if lab.id == "01"), report.labs[0])
    env = report.reference_environment()
    return (lab, env) if env in report.lab_environments(lab.id) else None


def _first_look(body: ET.Element, report: Report) -> None:
    """One lab's start phase in one environment, near the top."""
    target = _first_look_target(report)
    if target is None:
        return
    lab, env = target
    _e(body, "h2", _("First look: {lab}").format(lab=lab.heading), id="first-look")
    _e(
        body,
        "p",
        _("{env}, variant {variant}. Each bar is a process: light from "
          "start() until it runs, then solid; each tick is a line it printed. Compare when "
          "main's line and the child's line appear, and how long the child takes to start, "
          "under each method. Every lab and environment is further down.").format(
            env=env.label, variant=lab.variants[0]),
        class_="lede",
    )
    _variant(body, report, lab, lab.variants[0], env, start_only=True)


def render_html(report: Report) -> str:
    """The whole report as one HTML document (inline CSS and SVG, no script)."""
    html = ET.Element("html", lang="zh-CN" if language() == "zh" else "en")
    head = _e(html, "head")
    _e(head, "meta", charset="utf-8")
    _e(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _e(head, "title", _("labkit report"))
    _e(head, "style", CSS + _svg.CSS)
    body = _e(html, "body")
    _e(body, "h1", _("labkit report"))
    lede = _e(body, "p", class_="lede")
    lede.text = ngettext(
        "{runs} Observations from {n} environment, judged by {claims} claims: ",
        "{runs} Observations from {n} environments, judged by {claims} claims: ",
        len(report.environments),
    ).format(runs=len(report.observations), n=len(report.environments),
             claims=len(report.claims))
    _badges(lede, report.totals())
    nav = _e(body, "nav")
    for href, text in (
        ("#environments", _("Environments")),
        ("#latency", _("Start latency")),
        ("#first-look", _("First look")),
        ("#claims", _("Claims")),
        ("#failures", _("Failures")),
        ("#labs", _("Labs")),
    ):
        if href == "#failures" and not report.failures():
            continue
        if href == "#first-look" and _first_look_target(report) is None:
            continue
        _e(nav, "a", text, href=href)

    _environments(body, report)
    _latency(body, report)
    _first_look(body, report)
    _matrix(body, report)
    _failures(body, report)

    _e(body, "h2", _("Labs: what each process did, when"), id="labs")
    _e(
        body,
        "p",
        _("Per lab and environment, each start method side by side on one time "
          "axis; each panel is one run (the first repeat). A bar runs light from "
          "start() to the process running, then solid until it ends; ticks are "
          "output lines (dark: stdout, red: stderr); ✕ marks a non-zero exit. The "
          "start phase, zoomed, shows whose line comes first and how late a spawn "
          "child starts."),
        class_="lede",
    )
    open_env = report.reference_environment().key
    for lab in report.labs:
        _lab_section(body, report, lab, open_env)

    foot = _e(body, "footer")
    _e(
        foot,
        "p",
        f"labkit {__version__} · schema labkit.observation/1 · " + _("read from: ")
        + "; ".join(f"{s.path} ({s.observations})" for s in report.sources)
        + (_(" · {n} duplicate runs ignored").format(n=report.duplicates)
           if report.duplicates else ""),
    )
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"
