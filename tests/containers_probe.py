"""What a kit container allows: printed as one JSON line (run by tests/test_containers.py).

Runs as an ordinary script through the sweep, so it sees exactly what a lab sees.
"""

import errno
import json
import os
import socket
import sys


def attempt(fn):
    try:
        fn()
        return "ok"
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))


def write(path):
    def go():
        with open(path, "w") as fh:
            fh.write("x")
        os.remove(path)

    return go


def connect(host, port):
    def go():
        with socket.create_connection((host, port), timeout=2):
            pass

    return go


def status(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return line.split(":", 1)[1].strip()
    return None


def read(path):
    try:
        with open(path) as fh:
            return fh.read().strip()
    except OSError:
        return None


def mount_options(target):
    with open("/proc/self/mounts") as fh:
        for line in fh:
            parts = line.split()
            if parts[1] == target:
                return parts[3].split(",")
    return None


if __name__ == "__main__":
    import multiprocessing as mp

    facts = {
        "uid": os.getuid(),
        "euid": os.geteuid(),
        "gid": os.getgid(),
        "groups": os.getgroups(),
        "interfaces": sorted(name for _, name in socket.if_nameindex()),
        "connect_outside": attempt(connect("192.0.2.1", 80)),
        "connect_dns": attempt(connect("1.1.1.1", 53)),
        "write_root": attempt(write("/labkit-probe")),
        "write_etc": attempt(write("/etc/labkit-probe")),
        "write_tmp": attempt(write(os.path.join(os.environ.get("TMPDIR", "/tmp"), "probe"))),
        "write_shm": attempt(write("/dev/shm/labkit-probe")),
        "root_mount": mount_options("/"),
        "cap_eff": status("CapEff"),
        "cap_bnd": status("CapBnd"),
        "no_new_privs": status("NoNewPrivs"),
        "seccomp": status("Seccomp"),
        "pid1": (read("/proc/1/cmdline") or "").replace("\0", " ").strip(),
        "pids_max": read("/sys/fs/cgroup/pids/pids.max") or read("/sys/fs/cgroup/pids.max"),
        "memory_max": read("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        or read("/sys/fs/cgroup/memory.max"),
        "image": os.environ.get("LABKIT_IMAGE"),
        "python": sys.version.split()[0],
        "default_method": mp.get_start_method(),
    }
    q = mp.SimpleQueue()  # semaphores in /dev/shm work for the unprivileged user
    p = mp.Process(target=q.put, args=("child ok",))
    p.start()
    facts["child"] = q.get()
    p.join()
    print("PROBE " + json.dumps(facts))
