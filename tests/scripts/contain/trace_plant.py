"""Plants junk in the run's own trace folder: a foreign line, a FIFO, a symlink, files
that are not trace files, and events with wrong types; then works normally."""
import json
import os
from multiprocessing import Process


def work():
    print("child works", flush=True)


if __name__ == "__main__":
    d = os.environ["LABKIT_TRACE_DIR"]
    pid = os.getpid()
    with open(os.path.join(d, f"{pid}.jsonl"), "a") as f:
        f.write(json.dumps({"hello": 1}) + "\n")
        f.write(json.dumps({"ev": "reaped", "pid": pid, "t": 0.5, "child": None}) + "\n")
        f.write(json.dumps({"ev": "out", "pid": pid + 1, "t": 0.5, "stream": "stdout",
                            "text": "forged"}) + "\n")
        f.write(json.dumps({"ev": "interp", "pid": pid, "t": None, "role": "main"}) + "\n")
        f.write(json.dumps({"ev": "out", "pid": pid, "t": 0.5, "stream": "nowhere",
                            "text": "forged"}) + "\n")
        f.write(json.dumps({"ev": "interp", "pid": pid, "t": 0.01, "role": "main", "ppid": 1,
                            "executable": "x", "version": None,
                            "implementation": "x"}) + "\n")
        f.write("[" * 100000 + "\n")
    os.mkfifo(os.path.join(d, "999999.jsonl"))
    os.symlink("/etc/hostname", os.path.join(d, "999998.jsonl"))
    os.mkdir(os.path.join(d, "999997.jsonl"))
    with open(os.path.join(d, "notes.jsonl"), "w") as f:
        f.write("{}\n")
    p = Process(target=work)
    p.start()
    p.join()
    print("main done", flush=True)
