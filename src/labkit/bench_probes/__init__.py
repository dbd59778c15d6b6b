"""Scripts the benchmark runs: ``start_probe.py`` (start latency, as ``labs/14`` measures it)
and ``plain_boot/sitecustomize.py`` (the start method forced as the kit forces it, nothing
else: the "without tracer" side). Files, not strings, so they can be read and run by hand."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
START_PROBE = HERE / "start_probe.py"
PLAIN_BOOT = HERE / "plain_boot"  # put first on PYTHONPATH
STARTS_ENV = "BENCH_PROBE_STARTS"  # how many starts the probe makes (default 20)
