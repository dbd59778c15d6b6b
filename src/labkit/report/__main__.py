"""``python -m labkit.report PATH... [--md F] [--html F]`` (same as ``labkit report``).

It goes through ``labkit.cli.main``, so exit codes, the one-line errors, the output
checks and the stream handling are those of ``labkit report``.
"""

from __future__ import annotations

import sys

from labkit.cli import main

if __name__ == "__main__":
    main(["report", *sys.argv[1:]])
