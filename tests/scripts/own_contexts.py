"""Starts children through the default context, get_context() and a forced method."""
import multiprocessing as mp


def say(q, tag):
    q.put(tag)


def start(ctx, tag):
    q = ctx.Queue()
    p = ctx.Process(target=say, args=(q, tag), name=tag)
    p.start()
    got = q.get()
    p.join()
    print(tag, got, p.exitcode)


if __name__ == "__main__":
    start(mp, "by-default")
    start(mp.get_context("spawn"), "by-spawn")
    if "forkserver" in mp.get_all_start_methods():
        start(mp.get_context("forkserver"), "by-forkserver")
    mp.set_start_method("spawn", force=True)
    start(mp, "after-force")
    print("final", mp.get_start_method())
