#!/usr/bin/env python3
"""CPU time so far (user + system, in clock ticks from /proc/<pid>/stat) of a service process and of a PostgreSQL
cluster, the cluster split by process kind, printed as one line of key=value for load/impressions.sh to subtract:

    cpu_ticks.py SERVICE_PID POSTMASTER_PID
    -> service=1234 pg_backend=567 pg_walwriter=8 pg_checkpointer=2 ... machine_busy=98765

PostgreSQL's kinds come from each child's title (`postgres: walwriter`, `postgres: autovacuum worker`, a backend
`postgres: postgres recommender 127.0.0.1(5555) idle`). Children that ended are in the postmaster's cutime/cstime,
counted as `pg_ended`, so a backend that exits between two snapshots is not lost. machine_busy is every core's
non-idle time (/proc/stat), to see what else ran. Clock ticks are 1/SC_CLK_TCK s (`ticks_per_second=` says which).
"""
import os
import re
import sys


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    # The command name, in parentheses, may hold spaces: fields start after the last ')'.
    return text[text.rindex(")") + 2:].split()


def own_ticks(fields):
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))


def kind(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            title = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    title = re.sub(r"^postgres:\s*", "", title)
    if re.match(r"\S+ \S+ [\d.:\[\]]+\(\d+\)", title) or title.startswith("[local]"):
        return "backend"
    if title.startswith("autovacuum worker"):
        return "autovacuum_worker"
    return re.sub(r"\W+", "_", title.split("  ")[0]).strip("_") or "other"


def main():
    service, postmaster = sys.argv[1], int(sys.argv[2])
    out = {"service": own_ticks(stat_fields(service))}
    fields = stat_fields(postmaster)
    out["pg_postmaster"] = own_ticks(fields)
    out["pg_ended"] = int(fields[13]) + int(fields[14])  # cutime, cstime: children already reaped
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            child = stat_fields(entry)
        except (OSError, ValueError):
            continue
        if int(child[1]) != postmaster:  # ppid
            continue
        name = kind(entry)
        if name is None:
            continue
        key = "pg_" + name
        out[key] = out.get(key, 0) + own_ticks(child)
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    out["machine_busy"] = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
    out["ticks_per_second"] = os.sysconf("SC_CLK_TCK")
    print(" ".join(f"{k}={v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
