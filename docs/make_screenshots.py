"""Make the screenshots in docs/: the HTML report in Chinese, the terminal at 80 columns.

    python docs/make_screenshots.py            # both, from the repository's root

Needs chromium (or google-chrome), tmux and a CJK font (Debian: chromium tmux
fonts-wqy-microhei). The report is built from the recorded Observations in
tests/data; the terminal is a real `labkit run 02 -m forkserver` in an 80-column tmux
pane, captured with its colours (`tmux capture-pane -e`) and drawn by rich as SVG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DATA = ROOT / "tests" / "data"


def chromium() -> str:
    for name in (os.environ.get("CHROME"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return str(shutil.which(name))
    sys.exit("make_screenshots: no chromium or google-chrome on PATH")


def shoot(page: Path, png: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), "--headless", "--disable-gpu", "--hide-scrollbars",
                        "--no-first-run", "--no-sandbox", f"--user-data-dir={profile}",
                        f"--window-size={width},{height}", f"--screenshot={png}",
                        page.resolve().as_uri()], capture_output=True, timeout=180, check=False)
    if not png.exists():
        sys.exit(f"make_screenshots: chromium wrote no {png}")
    print(f"wrote {png.relative_to(ROOT)}")


def report_zh(work: Path) -> None:
    html = work / "report-zh.html"
    subprocess.run([sys.executable, "-m", "labkit", "report", "--lang", "zh",
                    *map(str, sorted(DATA.glob("*.zip"))), "--html", str(html)], check=True)
    shoot(html, DOCS / "report-zh.png", 1400, 2400)


def terminal_80(work: Path, command: str, png: Path, lang: str) -> None:
    """Run ``command`` in an 80-column tmux pane and draw what the pane shows."""
    from rich.console import Console
    from rich.text import Text

    session = f"labkit-shot-{os.getpid()}"
    done = work / "done"
    env = f"LANG={lang} LC_ALL={lang}"
    script = f"cd {ROOT} && {env} {sys.executable} -m labkit {command}; touch {done}; sleep 600"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "200",
                    script], check=True)
    try:
        for _ in range(600):
            if done.exists():
                break
            time.sleep(0.5)
        time.sleep(0.5)
        captured = subprocess.run(["tmux", "capture-pane", "-e", "-p", "-t", session, "-S",
                                   "-", "-E", "-"], capture_output=True, text=True,
                                  check=True).stdout
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    text = Text.from_ansi(captured.rstrip("\n"))
    console = Console(record=True, width=80, file=open(os.devnull, "w"),  # noqa: SIM115
                      color_system="truecolor")
    console.print(text)
    page = work / (png.stem + ".html")
    # A monospace font whose CJK glyphs are exactly two cells wide, as in a terminal.
    page.write_text(console.export_html(inline_styles=True, code_format=TERMINAL_PAGE),
                    encoding="utf-8")
    height = 40 + 20 * (len(captured.rstrip("\n").splitlines()) + 1)
    shoot(page, png, 760, height)


TERMINAL_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
body {{margin: 0; padding: 16px; background: {background}; color: {foreground};}}
pre {{margin: 0; font: 15px/20px "WenQuanYi Micro Hei Mono", "Noto Sans Mono CJK SC",
      monospace;}}
</style></head><body><pre><code>{code}</code></pre></body></html>
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report_zh(work)
        terminal_80(work, "run 02 -m forkserver", DOCS / "terminal-80-zh.png", "zh_CN.UTF-8")


if __name__ == "__main__":
    main()
