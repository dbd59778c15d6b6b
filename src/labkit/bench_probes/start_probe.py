"""start() -> the child's first instruction, N times in a row (as labs/14 does).

N comes from BENCH_PROBE_STARTS (default 20). The result is one line:
``LABKIT_BENCH {"method": ..., "starts": [seconds, ...]}``.

Module level imports only what a child needs anyway (a spawn or forkserver child
imports this file again): an extra import there would be timed as start latency, and
hidden whenever the tracer had imported the same module already.
"""

import time
from multiprocessing import Process, Queue


def report(q):
    q.put(time.perf_counter())


if __name__ == '__main__':
    import json
    import multiprocessing
    import os

    q: Queue = Queue()
    starts = []
    for _ in range(int(os.environ.get('BENCH_PROBE_STARTS', '20'))):
        p = Process(target=report, args=(q,))
        t = time.perf_counter()
        p.start()
        child_t = q.get()
        p.join()
        starts.append(child_t - t)
    print('LABKIT_BENCH ' + json.dumps({'method': multiprocessing.get_start_method(),
                                         'starts': starts}))
