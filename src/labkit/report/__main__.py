"""``python -m labkit.report PATH... [--md F] [--html F]`` (same as ``labkit report``)."""

from __future__ import annotations

import sys

from labkit.errors import LabkitError
from labkit.report import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except LabkitError as e:
        print(f"labkit report: {e}", file=sys.stderr)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
