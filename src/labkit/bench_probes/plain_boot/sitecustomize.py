# labkit bench: force the start method like the kit does, and nothing else.
import os

_method = os.environ.get("LABKIT_START_METHOD", "default")
if _method != "default" and "LABKIT_PLAIN_MAIN" not in os.environ:
    os.environ["LABKIT_PLAIN_MAIN"] = str(os.getpid())
    import multiprocessing

    multiprocessing.set_start_method(_method)
