# Loaded by every interpreter of a labkit run: the runner puts this folder first on
# PYTHONPATH, so spawn children and the fork server load the tracer too.
import os

if os.environ.get("LABKIT_TRACE_DIR"):
    import _labkit_tracer

    _labkit_tracer.install()
