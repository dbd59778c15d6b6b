"""The consoles tables are printed on, and the standard streams under them.

Output is UTF-8 where the stream is; on any other encoding (cp1252 when Windows
redirects output) characters it cannot hold are written as backslash escapes
instead of ending the command with UnicodeEncodeError.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # every command imports this module: typing would add to the start
if TYPE_CHECKING:
    from rich.console import Console



def prepare_streams() -> None:
    """Never fail on a character the stream's encoding lacks (or a lone surrogate)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="backslashreplace")
        except (ValueError, OSError):  # detached or closed: nothing to protect
            pass


def console(stderr: bool = False) -> Console:
    from rich.console import Console  # not for `labkit --version`

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit 1 ("a claim failed"); cli.main gives the documented code.
            self.quiet = True
            raise BrokenPipeError

    # Width: the terminal's, else COLUMNS (also when piped), else 80 — rich's own order;
    # the tables are laid out to read well at 80.
    return _Console(stderr=stderr, highlight=False, soft_wrap=False)
