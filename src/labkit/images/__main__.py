"""``python -m labkit.images ...``: the same as ``labkit images ...``."""

import sys

from labkit.cli import main

main(["images", *sys.argv[1:]])
