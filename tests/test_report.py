"""The cross-platform report: reading, merging, judging, rendering, and a real browser.

Built from real Observations (``tests/data``: a native Linux run and a container run),
read from the zips exactly as a CI artifact download gives them.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from labkit import observation
from labkit.claims import Status, all_claims, judge_all
from labkit.errors import UsageError
from labkit.observation import Observation
from labkit.report import (
    BUDGET,
    GITHUB_SUMMARY_LIMIT,
    _svg,
    build,
    from_observations,
    load,
    main,
    render_html,
    render_markdown,
)
from labkit.report._markdown import text_timeline
from labkit.report._model import NOT_JUDGED, Environment

DATA = Path(__file__).parent / "data"
NATIVE = DATA / "observations-linux-py3.11.zip"
CONTAINER = DATA / "observations-container-py3.14.zip"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def native() -> list[Observation]:
    return load([NATIVE]).observations


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return build([NATIVE, CONTAINER])


@pytest.fixture(scope="module")
def html(report) -> str:  # type: ignore[no-untyped-def]
    return render_html(report)


# -- reading ------------------------------------------------------------------------


def test_zip_and_folder_give_the_same_observations(tmp_path: Path, native) -> None:
    with zipfile.ZipFile(NATIVE) as zf:
        zf.extractall(tmp_path / "results")
    folder = load([tmp_path / "results"]).observations
    assert len(folder) == len(native) == 135
    assert sorted(o.run_id for o in folder) == sorted(o.run_id for o in native)


def test_the_same_run_read_twice_counts_once(tmp_path: Path, native) -> None:
    with zipfile.ZipFile(NATIVE) as zf:
        zf.extractall(tmp_path / "results")
    loaded = load([NATIVE, tmp_path / "results"])
    assert len(loaded.observations) == len(native)
    assert loaded.duplicates == len(native)


def test_folders_of_artifacts_are_searched_recursively(tmp_path: Path) -> None:
    # download-artifact lays out one folder per artifact; a person may keep the zips.
    (tmp_path / "artifacts" / "observations-ubuntu-latest-py3.11").mkdir(parents=True)
    with zipfile.ZipFile(NATIVE) as zf:
        zf.extractall(tmp_path / "artifacts" / "observations-ubuntu-latest-py3.11")
    shutil.copy(CONTAINER, tmp_path / "artifacts" / "observations-containers.zip")
    (tmp_path / "artifacts" / "plan.json").write_text('[{"lab": "03"}]', encoding="utf-8")
    loaded = load([tmp_path / "artifacts"])
    assert len(loaded.observations) == 237  # 135 native + 102 container
    assert loaded.sources[0].skipped == [str(tmp_path / "artifacts" / "plan.json")]


def test_a_list_of_observations_in_one_file_is_read(tmp_path: Path, native) -> None:
    # `labkit run --json F` writes a list when there is more than one run.
    import json

    f = tmp_path / "runs.json"
    f.write_text(json.dumps([o.to_dict() for o in native[:5]]), encoding="utf-8")
    assert [o.run_id for o in load([f]).observations] == [o.run_id for o in native[:5]]


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing", "no such file or folder"),
        (lambda d: d, "no Observations"),
        (lambda d: _write(d / "bad.json", "{not json"), "not valid JSON"),
        (lambda d: _write(d / "other.json", '{"schema": "x"}'), "is not a labkit.observation/1"),
        (lambda d: _write(d / "broken.zip", "PK\x03\x04 not really"), "cannot read"),
        (
            lambda d: _write(d / "half.json", '{"schema": "labkit.observation/1", "lab": "1"}'),
            "half.json: field variant is missing",
        ),
    ],
    ids=["missing", "empty", "bad-json", "not-observation", "bad-zip", "malformed"],
)
def test_bad_input_is_a_usage_error(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(UsageError, match=message) as e:
        build([path])
    assert e.value.exit_code == 2
    assert "\n" not in str(e.value)


def test_no_path_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        main([])
    with pytest.raises(UsageError):
        build([])


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- the model: only what was observed ----------------------------------------------------


def test_environments_are_exactly_those_read(report) -> None:  # type: ignore[no-untyped-def]
    keys = {o.environment for o in report.observations}
    assert {e.key for e in report.environments} == keys
    assert len(keys) == 2
    native_env, container_env = report.environments  # native first, then containers
    assert native_env.image is None and native_env.python == "3.11"
    assert container_env.image and container_env.key.startswith("Linux/py3.14@")
    assert container_env.default_method == "forkserver"
    # No invented platforms: nothing from macOS or Windows was read, so none appears.
    assert not [e for e in report.environments if e.system != "Linux"]


def test_columns_are_environment_times_observed_method(report) -> None:  # type: ignore[no-untyped-def]
    cols = [(c.env.key, c.method) for c in report.columns]
    observed = {(o.environment, o.requested_start_method) for o in report.observations}
    assert set(cols) == observed
    assert len(cols) == len(observed) == 8


def test_cells_are_the_claims_own_verdicts(report) -> None:  # type: ignore[no-untyped-def]
    verdicts = judge_all(report.observations)
    assert len(verdicts) == len(report.verdicts)
    for v in verdicts:
        claim = next(c for c in report.claims if c.id == v.claim)
        col = next(c for c in report.columns if c.env.key == v.environment and c.method == v.method)
        cell = report.cell(claim, col)
        assert (cell.status, cell.value, cell.detail) == (v.status, v.value, v.detail)


def test_a_claim_not_observed_is_not_run(native) -> None:
    # Lab 07 ran natively, but not in the container: there its claims are "not run".
    box = [o for o in load([CONTAINER]).observations if o.lab != "07"]
    rep = from_observations(native + box)
    fifo = next(c for c in rep.claims if c.id == "seed.queue.fifo")
    native_col, box_col = (
        next(c for c in rep.columns if c.method == "spawn" and (c.env.image is None) == is_native)
        for is_native in (True, False)
    )
    assert rep.cell(fifo, native_col).status == Status.PASS
    cell = rep.cell(fifo, box_col)
    assert cell.status == Status.NOT_RUN and cell.text == "not run"
    assert "⏸ not run" in render_markdown(rep)
    # fifo, empty_timeout, full under spawn at least
    assert rep.totals(box_col.env)[Status.NOT_RUN] >= 3
    # A claim about one method only is "not judged" under the others, not "not run".
    costlier = next(c for c in rep.claims if c.id == "seed.join.spawn_costlier")
    fork_col = next(c for c in rep.columns if c.method == "fork")
    assert rep.cell(costlier, fork_col).status == NOT_JUDGED


def test_claims_of_labs_that_ran_nowhere_are_listed_once(native) -> None:
    rep = from_observations([o for o in native if o.lab == "01"])
    assert {c.lab for c in rep.claims} == {"01"}
    assert "seed.queue.fifo" in {c.id for c in rep.unobserved}
    md = render_markdown(rep)
    assert "Not observed anywhere" in md and "`seed.queue.fifo`" in md
    assert "| `seed.queue.fifo` |" not in md


def test_any_script_is_reported_without_claims(tmp_path: Path) -> None:
    # What `labkit compare my_script.py` writes: no catalogue lab, so no claim applies.
    script = tmp_path / "mine.py"
    script.write_text(
        "import multiprocessing as mp\n"
        "def f():\n    print('child')\n"
        "if __name__ == '__main__':\n"
        "    p = mp.Process(target=f); p.start(); print('main'); p.join()\n",
        encoding="utf-8",
    )
    from labkit import runner

    runs = [
        runner.run(script, runner.RunOptions(method=m, timeout=60))
        for m in runner.available_methods()
    ]
    rep = from_observations(runs)
    assert rep.claims == [] and len(rep.unobserved) == len(all_claims())
    assert [lab.heading for lab in rep.labs] == [f"Script {runs[0].lab}"]
    html = render_html(rep)
    assert html.count('class="timeline"') >= len(runs)
    assert "(all runs: lab 14 absent)" in render_markdown(rep)


def test_a_failed_claim_is_listed_with_its_evidence(native) -> None:
    # Make the 07 queue lab print something else in one run: FIFO must fail there.
    runs = []
    for o in native:
        if (o.lab, o.variant, o.requested_start_method) == ("07", "base", "fork"):
            out = tuple(
                dataclasses.replace(line, text="2") if line.text == "first" else line
                for line in o.output
            )
            o = dataclasses.replace(o, output=out)
        runs.append(o)
    rep = from_observations(runs)
    fails = rep.failures()
    assert [(c.id, col.method) for c, col, _ in fails] == [("seed.queue.fifo", "fork")]
    assert rep.totals()[Status.FAIL] == 1
    assert "## Failures (1)" in render_markdown(rep)
    assert "Failures (1)" in render_html(rep)


def test_start_latency_comes_from_the_latency_lab(report) -> None:  # type: ignore[no-untyped-def]
    for env in report.environments:
        lat = {x.method: x for x in report.latency if x.env.key == env.key}
        assert set(lat) == {"fork", "spawn", "forkserver"}
        assert all(x.source == "lab 14" for x in lat.values())
        # What the claims check, seen in the chart's numbers too.
        assert lat["spawn"].typical > 3 * lat["fork"].typical
        assert lat["forkserver"].first > 2 * lat["forkserver"].later
        assert lat["spawn"].interpreter is not None


def test_latency_falls_back_to_every_run_without_lab_14(native) -> None:
    rep = from_observations([o for o in native if o.lab == "03"])
    assert {x.method for x in rep.latency} == {"fork", "spawn", "forkserver"}
    assert {x.source for x in rep.latency} == {"all labs"}


def test_environment_labels_name_the_os() -> None:
    base = dict(
        python_versions=("3.13.1",),
        implementation="cpython",
        releases=(),
        machines=(),
        ci_jobs=(),
        runners=(),
        methods=("spawn",),
        default_method="spawn",
        count=1,
    )
    mac = Environment(key="Darwin/py3.13", system="Darwin", python="3.13", image=None, **base)
    win = Environment(key="Windows/py3.13", system="Windows", python="3.13", image=None, **base)
    box = Environment(key="Linux/py3.14@img", system="Linux", python="3.14", image="img", **base)
    assert mac.label == "macOS · Python 3.13" and mac.group == "macOS (native)"
    assert win.label == "Windows · Python 3.13"
    assert box.label == "Linux · Python 3.14 · img" and box.group == "Linux containers"
    assert sorted([box, win, mac], key=lambda e: e.sort_key) == [mac, win, box]


# -- Markdown -----------------------------------------------------------------------------


def test_markdown_has_the_matrix_latency_and_timelines(report) -> None:  # type: ignore[no-untyped-def]
    md = render_markdown(report)
    assert md.startswith("# labkit report")
    assert "### Linux (native)" in md and "### Linux containers" in md
    assert "| claim | 3.11 fork | 3.11 spawn | 3.11 forkserver | 3.11 default |" in md
    assert "## Start latency" in md and "spawn / fork" in md
    assert "## Timelines (Linux · Python 3.11)" in md
    assert "Start phase" in md
    for claim in all_claims():
        assert f"`{claim.id}`" in md
    # No column group for an environment that did not run (claim sentences may name one).
    assert "### macOS" not in md and "### Windows" not in md
    assert len(md.encode()) < BUDGET


def test_markdown_stays_under_the_job_summary_limit_with_many_environments(native) -> None:
    # Twenty environments (test copies of one real run, relabelled) — the CI matrix
    # plus containers. The Markdown must still fit GitHub's 1 MiB summary, well under.
    many = []
    for i in range(20):
        image = f"test-copy-{i}"
        many += [dataclasses.replace(o, platform={**o.platform, "image": image}) for o in native]
    rep = from_observations(many)
    assert len(rep.environments) == 20
    md = render_markdown(rep)
    assert len(md.encode()) <= BUDGET < GITHUB_SUMMARY_LIMIT
    small = render_markdown(rep, budget=60_000)
    assert len(small.encode()) <= 60_000
    assert "Shortened to fit a job summary" in small or "Truncated" in small


def test_text_timeline_shows_main_before_a_spawn_child(native) -> None:
    o = next(
        o for o in native if (o.lab, o.variant, o.requested_start_method) == ("01", "base", "spawn")
    )
    lines = text_timeline([("spawn", o)], t_max=_svg.start_window([o]))
    main_row = next(line for line in lines if "MainProcess" in line)
    child_row = next(line for line in lines if "Process-1" in line)
    assert "░" in child_row  # started but not yet running
    assert main_row.index("•") < child_row.index("•")  # main's line first


def test_markdown_cells_cannot_break_the_table() -> None:
    from labkit.report._markdown import cell_text

    assert cell_text("a|b\nc <script>") == "a\\|b c &lt;script&gt;"
    assert len(cell_text("x" * 500, 40)) == 40


# -- HTML -----------------------------------------------------------------------------------


def test_html_is_one_self_contained_file(html: str) -> None:
    from html.parser import HTMLParser

    class Fetches(HTMLParser):
        """Every tag or attribute by which a browser would load something."""

        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []
            self.styles: list[str] = []
            self._in_style = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use"):
                self.found.append(tag)
            for name, value in attrs:
                if name in ("src", "srcset", "data", "poster", "action", "xlink:href"):
                    self.found.append(f"{tag} {name}={value}")
                if name == "href" and not (value or "").startswith("#"):
                    self.found.append(f"{tag} href={value}")
                if name == "style" and value:
                    self.styles.append(value)
            self._in_style = tag == "style"

        def handle_data(self, data: str) -> None:
            if self._in_style:
                self.styles.append(data)

    assert html.startswith("<!DOCTYPE html>")
    parser = Fetches()
    parser.feed(html)
    assert parser.found == []
    css = " ".join(parser.styles).lower()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_html_has_timelines_latency_chart_and_the_matrix(report, html: str) -> None:  # type: ignore[no-untyped-def]
    assert html.count('class="latency"') == 1
    assert html.count('class="timeline"') > 100
    assert 'class="matrix"' in html
    for env in report.environments:
        assert env.label in html
    for claim in all_claims():
        assert claim.id in html
    assert "start phase: the first" in html  # the zoom that shows who starts late
    for lab in report.labs:
        assert f'id="lab-{lab.id}"' in html
    # One environment's timelines are open; the others fold away.
    assert html.count('<details open="open">') == len(report.labs)


def test_timeline_svg_draws_bars_and_ticks(native) -> None:
    o = next(
        o for o in native if (o.lab, o.variant, o.requested_start_method) == ("01", "base", "spawn")
    )
    svg = _svg.to_string(_svg.timeline_svg(o, "spawn", _svg.start_window([o])))
    assert svg.startswith("<svg") and "MainProcess" in svg and "Process-1" in svg
    assert 'class="o"' in svg  # stdout ticks
    assert "start latency" in svg  # the tooltip of the child's bar


def test_a_crowd_of_processes_shares_one_row(native) -> None:
    pool = next(
        o for o in native if (o.lab, o.variant, o.requested_start_method) == ("10", "pool", "spawn")
    )
    rows, _ = _svg.timeline_rows(pool)
    assert len(rows) <= _svg.MAX_ROWS + 1
    assert rows[-1].kind in ("more", "other")
    svg = _svg.to_string(_svg.timeline_svg(pool, "spawn", _svg.run_extent(pool)))
    assert len(svg) < 200_000


def test_html_size_per_environment_is_bounded(report, html: str) -> None:  # type: ignore[no-untyped-def]
    # Twenty environments must stay a file a browser opens at once.
    assert len(html.encode()) / len(report.environments) < 800_000


# -- the command ------------------------------------------------------------------------


def test_main_writes_markdown_and_html(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    md, page = tmp_path / "out" / "summary.md", tmp_path / "out" / "report.html"
    assert main([str(NATIVE), str(CONTAINER), "--md", str(md), "--html", str(page)]) == 0
    assert md.read_text(encoding="utf-8").startswith("# labkit report")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out = capsys.readouterr().out
    assert "237 Observations, 2 environments" in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_summary_line_fits_80_columns(tmp_path: Path, capsys, monkeypatch, lang) -> None:  # type: ignore[no-untyped-def]
    from rich.cells import cell_len

    from labkit import i18n

    monkeypatch.setenv("COLUMNS", "80")
    i18n.set_language(lang)
    try:
        assert main([str(NATIVE), "--html", str(tmp_path / "r.html")]) == 0
    finally:
        i18n.set_language("en")
    lines = capsys.readouterr().out.splitlines()
    assert lines and max(cell_len(x) for x in lines) <= 80, lines
    said = "".join(lines) if lang == "zh" else " ".join(lines)
    assert ("不适用" if lang == "zh" else "not applicable") in said and "r.html" in said


def test_main_accepts_the_cli_namespace(tmp_path: Path) -> None:
    import argparse

    ns = argparse.Namespace(paths=[NATIVE], md=tmp_path / "s.md", html=None)
    assert main(ns) == 0
    assert (tmp_path / "s.md").exists()


def test_module_entry_point_exits_2_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "labkit.report", str(tmp_path / "nothing-here")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_markdown_to_stdout_by_default(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([str(NATIVE)]) == 0
    assert capsys.readouterr().out.startswith("# labkit report")


# -- a real browser -----------------------------------------------------------------------


def _chromium() -> str | None:
    for name in (
        os.environ.get("CHROME"),
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def png_summary(path: Path, sample_every: int = 3) -> dict[str, float]:
    """Size, and pixel statistics of every ``sample_every``-th row (decoded by Pillow),
    enough to tell a rendered page from a blank one."""
    image_mod = pytest.importorskip("PIL.Image", reason="Pillow decodes the screenshot")
    with image_mod.open(path) as img:
        assert img.format == "PNG", "not a PNG"
        width, height = img.size
        data = img.convert("RGB").tobytes()
    colors: set[tuple[int, int, int]] = set()
    pixels = saturated = nonwhite = rows = 0
    for y in range(0, height, sample_every):
        rows += 1
        line = data[y * width * 3 : (y + 1) * width * 3]
        for i in range(0, len(line), 3):
            r, g, b = line[i], line[i + 1], line[i + 2]
            colors.add((r, g, b))
            pixels += 1
            nonwhite += (r, g, b) != (255, 255, 255)
            saturated += max(r, g, b) - min(r, g, b) > 60
    return {
        "bytes": path.stat().st_size,
        "width": width,
        "height": height,
        "rows": rows,
        "colors": len(colors),
        "nonwhite": nonwhite / max(pixels, 1),
        "saturated": saturated / max(pixels, 1),
    }


def screenshot(page: Path, png: Path, width: int = 1400, height: int = 2600) -> None:
    chromium = _chromium()
    assert chromium
    profile = png.parent / "chromium-profile"
    cmd = [
        chromium, "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
        "--no-sandbox", f"--user-data-dir={profile}", f"--window-size={width},{height}",
        f"--screenshot={png}", page.resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(cmd, capture_output=True, timeout=180, check=False)


@pytest.mark.skipif(
    _chromium() is None, reason="no chromium/google-chrome on PATH to render the HTML"
)
def test_html_report_renders_in_headless_chromium(tmp_path: Path, html: str) -> None:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    png = tmp_path / "report.png"
    screenshot(page, png, 1400, 2600)
    assert png.exists(), "chromium wrote no screenshot"
    stats = png_summary(png)
    assert (stats["width"], stats["height"]) == (1400, 2600)
    assert stats["bytes"] > 50_000, stats  # a blank page is a few KB
    assert stats["rows"] > 20, stats
    assert stats["colors"] > 50, stats  # text antialiasing, cells, bars
    assert stats["nonwhite"] > 0.02, stats
    assert stats["saturated"] > 0.001, stats  # the coloured bars of the charts


def test_png_summary_tells_blank_from_drawn(tmp_path: Path) -> None:
    image_mod = pytest.importorskip("PIL.Image", reason="Pillow writes the test images")

    def png(path: Path, row: list[tuple[int, int, int]], height: int) -> Path:
        img = image_mod.new("RGB", (len(row), height))
        img.putdata(row * height)
        img.save(path, format="PNG")
        return path

    white = [(255, 255, 255)] * 10
    drawn = [(255, 255, 255), (43, 108, 176), (0, 0, 0)] * 3 + [(9, 9, 9)]
    blank = png_summary(png(tmp_path / "w.png", white, 9), 1)
    ink = png_summary(png(tmp_path / "d.png", drawn, 9), 1)
    assert blank["colors"] == 1 and blank["nonwhite"] == 0 and blank["saturated"] == 0
    assert ink["colors"] == 4 and ink["saturated"] > 0.2
    assert (ink["width"], ink["height"], ink["rows"]) == (10, 9, 9)
    (tmp_path / "x.png").write_bytes(b"not an image")
    with pytest.raises(image_mod.UnidentifiedImageError):
        png_summary(tmp_path / "x.png")


def test_observations_written_by_the_kit_load_into_the_report(tmp_path: Path, native) -> None:
    paths = observation.write(native[:10], tmp_path / "results")
    assert len(paths) == 10
    assert len(build([tmp_path / "results"]).observations) == 10
