#!/usr/bin/env python3
"""CPU time so far (user + system, from /proc/<pid>/stat) of the two services of load/impressions.sh and of the
PostgreSQL cluster they share, the cluster split by whom it works for, printed as one line of key=value (seconds)
for the script to subtract:

    cpu_ticks.py ON_PID OFF_PID POSTMASTER_PID
    -> service_on=12.3 service_off=11.9 pg_backend_on=1.2 pg_backend_off=0.9 pg_walwriter=0.1 ... machine_busy=987.6

A backend is the on or off service's when its client port (in its title, `postgres: postgres recommender
127.0.0.1(5555) idle`) is a port of that service's open sockets; any other backend (psql) is pg_backend_other.
Background processes go by title (walwriter, checkpointer, autovacuum_worker ...). Children that ended are in the
postmaster's cutime/cstime (pg_ended: autovacuum workers, mostly), so nothing that exits between two snapshots is
lost. machine_busy is every core's non-idle time (/proc/stat), to see what else ran; wall is the clock.
"""
import os
import re
import sys
import time

TICK = 1.0 / os.sysconf("SC_CLK_TCK")


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name, in parentheses, may hold spaces: fields start after the last ')'.
    return text[text.rindex(")") + 2:].split()


def own(fields):
    return (int(fields[11]) + int(fields[12])) * TICK  # utime, stime (fields 14 and 15 of stat(5))


def title(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return re.sub(r"^postgres:\s*", "", f.read().replace(b"\0", b" ").decode(errors="replace").strip())


def client_ports(pid):
    """Local TCP ports of the sockets process pid holds open."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[9] in inodes:
                ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


def main():
    on, off, postmaster = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sides = {"on": client_ports(on), "off": client_ports(off)}
    out = {"service_on": own(stat_fields(on)), "service_off": own(stat_fields(off)),
           "pg_backend_on": 0.0, "pg_backend_off": 0.0, "pg_backend_other": 0.0}
    fields = stat_fields(postmaster)
    out["pg_postmaster"] = own(fields)
    out["pg_ended"] = (int(fields[13]) + int(fields[14])) * TICK  # cutime, cstime: children already reaped
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            child = stat_fields(entry)
            if int(child[1]) != postmaster:  # ppid
                continue
            name = title(entry)
        except (OSError, ValueError):
            continue
        backend = re.match(r"\S+ \S+ [\d.:a-f\[\]]+\((\d+)\)", name)
        if backend:
            port = int(backend.group(1))
            key = next((f"pg_backend_{s}" for s, ports in sides.items() if port in ports), "pg_backend_other")
        elif name.startswith("autovacuum worker"):
            key = "pg_autovacuum_worker"
        else:
            key = "pg_" + (re.sub(r"\W+", "_", name).strip("_") or "other")
        out[key] = out.get(key, 0.0) + own(child)
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    out["machine_busy"] = (sum(cpu) - cpu[3] - cpu[4]) * TICK  # all but idle and iowait
    out["wall"] = time.time()
    print(" ".join(f"{k}={v:.2f}" for k, v in out.items()))


if __name__ == "__main__":
    main()
