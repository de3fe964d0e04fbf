#!/usr/bin/env bash
# The database's cost of storing impressions, per table shape: one throwaway PostgreSQL, 200,000 generated impressions
# (version-7-like ids in time order, a user of 943, a list of 10 item ids of 1,682, 6,500 a second) loaded with one COPY
# into each shape in turn, ROUNDS times, interleaved. Prints, per shape, the median CPU time of the backend that ran the
# COPY (log_statement_stats: user + system) and the WAL it wrote. CPU time is still inflated on a busy machine (shared
# caches); WAL bytes are exact.
#
#   tests/RecommenderService.Benchmarks/load/impression_row_cost.sh [--lock FILE] [--scratch DIR] [rounds, default 3]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"
rounds="${1:-3}"
work="$(bench_scratch_dir impression-rows)"
pg_bin="$(dirname "$(command -v initdb 2>/dev/null || printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$work"; as_pg=(runuser -u postgres --); fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
trap '"${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$work/data" -m fast -w >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nshared_buffers = 256MB\nmax_wal_size = 4GB\n" "$port" "$work" >> "$work/data/postgresql.conf"
"${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$work/data" -l "$work/pg.log" -w >/dev/null
P=(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -At)

python3 - "$work/rows.tsv" <<'PY'
import random, sys, time
random.seed(1)
start = 1_765_000_000
with open(sys.argv[1], "w") as f:
    for i in range(200_000):
        ms = int((start + i / 6500) * 1000)
        h = f"{ms:012x}7{random.getrandbits(76):019x}"
        items = ",".join(str(random.randint(1, 1682)) for _ in range(10))
        at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + i / 6500))
        f.write(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}\t{random.randint(1, 943)}\trecommendations\tmodel\tranking_head\t3\t\\N\t\\N\t{{{items}}}\t{at}+00\n")
PY
chmod 644 "$work/rows.tsv"

columns="id uuid NOT NULL, user_id varchar(128), list varchar(16) NOT NULL, strategy varchar(16) NOT NULL, source varchar(16) NOT NULL, model_version int, experiment_id bigint, arm varchar(16), items text[] NOT NULL, served_at timestamptz NOT NULL"
declare -A shapes=(
  ["1 before: key + B-trees on served_at, user_id, experiment_id (partial)"]="CREATE TABLE imp ($columns, PRIMARY KEY (id)); CREATE INDEX ON imp (served_at); CREATE INDEX ON imp (user_id); CREATE INDEX ON imp (experiment_id) WHERE experiment_id IS NOT NULL;"
  ["2 now: key + BRIN on served_at + B-tree on user_id"]="CREATE TABLE imp ($columns, PRIMARY KEY (id)); CREATE INDEX ON imp USING brin (served_at); CREATE INDEX ON imp (user_id);"
  ["3 key + BRIN, no user index"]="CREATE TABLE imp ($columns, PRIMARY KEY (id)); CREATE INDEX ON imp USING brin (served_at);"
  ["4 the rows alone (no index)"]="CREATE TABLE imp ($columns);"
  ["5 key + BRIN + hash index on user_id"]="CREATE TABLE imp ($columns, PRIMARY KEY (id)); CREATE INDEX ON imp USING brin (served_at); CREATE INDEX ON imp USING hash (user_id);"
)
results="$work/results.txt"
for round in $(seq 1 "$rounds"); do
  for shape in "${!shapes[@]}"; do
    "${P[@]}" -c "DROP TABLE IF EXISTS imp" -c "${shapes[$shape]}" -c "CHECKPOINT" >/dev/null
    before="$("${P[@]}" -c "SELECT pg_current_wal_lsn()")"
    cpu="$(PGOPTIONS="-c log_statement_stats=on -c client_min_messages=log" "${P[@]}" -c "COPY imp FROM '$work/rows.tsv'" 2>&1 | grep -m1 's user' | awk '{print $2 + $5}')"
    wal="$("${P[@]}" -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$before')")"
    echo "$shape|$cpu|$wal|$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
  done
done
echo "==> Medians over $rounds rounds, 200,000 impressions in one COPY"
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    shape, cpu, wal, load = line.rstrip("\n").split("|")
    rows.setdefault(shape, []).append((float(cpu), float(wal), load))
for shape in sorted(rows):
    r = rows[shape]
    cpu = statistics.median(x[0] for x in r)
    wal = statistics.median(x[1] for x in r)
    print(f"{shape}: backend CPU {cpu:.2f} s ({cpu / 200_000 * 1e6:.1f} µs a row; runs {', '.join(f'{x[0]:.2f}' for x in r)}), "
          f"WAL {wal / 1e6:.1f} MB ({wal / 200_000:.0f} bytes a row), load {', '.join(x[2] for x in r)}")
PY
