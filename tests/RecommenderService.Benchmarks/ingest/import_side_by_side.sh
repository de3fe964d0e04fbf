#!/usr/bin/env bash
# The CSV import of one file through two builds of the service in the same run: this working tree and a git
# revision (default main), each a Release build with its own throwaway PostgreSQL cluster on 127.0.0.1 (the same
# settings as throwaway_service.sh), real HTTP, the file POSTed whole and streamed (curl -T) to
# /api/v1/ratings/import into emptied tables. Runs alternate between the builds; each prints ratings/s (lines of the
# file over the wall time of the request) and the service's resident set: idle before the import, the highest
# sampled every 0.1 s during it, and the difference. Medians per build at the end. A small import into each service
# first, so the one-off work of a fresh database (the liked-count recount) is not timed.
#
#   tests/RecommenderService.Benchmarks/ingest/import_side_by_side.sh [--lock FILE] [--scratch DIR] FILE.csv [RUNS, default 3] [REVISION, default main]
#
# The 8.5M-rating file of docs/benchmarks.md:
#   recsys generate --users 120000 --items 20000 --ratings 8500000 --output ratings.tsv   (seed 42)
#   cut -f1-3 ratings.tsv | tr '\t' ',' > ratings.csv
# Needs what throwaway_service.sh needs, and git. Other work on the machine moves the figures: `uptime` is printed
# with every run. --lock and --scratch: see ../bench_env.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

file="${1:?usage: import_side_by_side.sh FILE.csv [RUNS] [REVISION]}"
runs="${2:-3}"
revision="${3:-main}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
lines=$(wc -l < "$file")
work="$(bench_scratch_dir recsys-import)"
pg_bin="$(dirname "$(command -v initdb 2>/dev/null || printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres: "$work"
  as_pg=(runuser -u postgres --)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
admin_key="bench-admin-$RANDOM$RANDOM$RANDOM$RANDOM"
declare -A pid url db

stop_all() {
  for name in "${!pid[@]}"; do kill "${pid[$name]}" 2>/dev/null && wait "${pid[$name]}" 2>/dev/null || true; done
  for name in "${!db[@]}"; do "${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$work/$name/data" -m fast -w >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap stop_all EXIT

# start NAME SOURCE_TREE: a cluster and a Release build of the service from SOURCE_TREE.
start() {
  local name="$1" tree="$2" pg_port http_port
  mkdir -p "$work/$name"
  [[ ${#as_pg[@]} -gt 0 ]] && chown postgres: "$work/$name"
  pg_port="$(free_port)"
  http_port="$(free_port)"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$work/$name/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
  cat >> "$work/$name/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work/$name'
shared_buffers = 256MB
max_wal_size = 4GB
CONF
  "${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$work/$name/data" -l "$work/$name/pg.log" -w >/dev/null
  psql "postgresql://postgres@127.0.0.1:$pg_port/postgres" -q -c "CREATE DATABASE recommender"
  db[$name]="postgresql://postgres@127.0.0.1:$pg_port/recommender"
  echo "==> $name: building the service (Release) from $tree"
  dotnet build "$tree/src/RecommenderService.Api" -c Release -o "$work/$name/service" -v quiet -nologo >/dev/null
  url[$name]="http://127.0.0.1:$http_port"
  (
    cd "$work/$name/service"
    ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres" \
    Auth__AdminKeys__0="$admin_key" RateLimiting__Enabled=false ASPNETCORE_URLS="${url[$name]}" \
    ASPNETCORE_ENVIRONMENT=Production Serilog__MinimumLevel__Default=Warning \
    exec dotnet RecommenderService.Api.dll >"$work/$name/service.log" 2>&1
  ) &
  pid[$name]=$!
  for _ in $(seq 1 120); do
    curl -fsS "${url[$name]}/health/ready" >/dev/null 2>&1 && break
    kill -0 "${pid[$name]}" 2>/dev/null || { cat "$work/$name/service.log"; exit 1; }
    sleep 0.5
  done
  printf 'warm,up,3\n' | curl -fsS -X POST --data-binary @- -H "Content-Type: text/csv" -H "X-Api-Key: $admin_key" \
    "${url[$name]}/api/v1/ratings/import" >/dev/null
  sleep 5
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# import NAME RUN: one timed import into emptied tables; appends "rate peak_above_idle_MiB" to $work/NAME.results.
import() {
  local name="$1" run="$2" idle peak start end status stored
  psql "${db[$name]}" -q -c "TRUNCATE ratings, users, items RESTART IDENTITY CASCADE"
  sleep 3
  idle=$(rss_kb "${pid[$name]}")
  echo "$idle" > "$work/peak"
  ( peak=$idle; while kill -0 "${pid[$name]}" 2>/dev/null; do r=$(rss_kb "${pid[$name]}"); (( r > peak )) && peak=$r && echo "$peak" > "$work/peak"; sleep 0.1; done ) &
  local sampler=$!
  start=$(date +%s.%N)
  status=$(curl -sS -X POST -T "$file" -H "Content-Type: text/csv" -H "X-Api-Key: $admin_key" \
      -o "$work/answer.json" -w '%{http_code}' "${url[$name]}/api/v1/ratings/import")
  end=$(date +%s.%N)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak=$(cat "$work/peak")
  [[ $status == 200 ]] || { echo "$name: the import failed (HTTP $status): $(head -c 600 "$work/answer.json")" >&2; tail -n 40 "$work/$name/service.log" >&2; exit 1; }
  stored=$(psql "${db[$name]}" -At -c "SELECT count(*) FROM ratings")
  awk -v n="$name" -v r="$run" -v l="$lines" -v s="$start" -v e="$end" -v i="$idle" -v p="$peak" -v st="$stored" -v a="$(cat "$work/answer.json")" -v up="$(uptime | sed 's/.*load/load/')" 'BEGIN {
      printf "%-8s run %d: %d stored, %.1f s, %.0f ratings/s; RSS idle %.0f MiB, peak %.0f MiB, above idle %.0f MiB; %s; %s\n",
             n, r, st, e - s, l / (e - s), i / 1024, p / 1024, (p - i) / 1024, a, up }'
  awk -v l="$lines" -v s="$start" -v e="$end" -v i="$idle" -v p="$peak" 'BEGIN { printf "%.0f %.0f\n", l / (e - s), (p - i) / 1024 }' >> "$work/$name.results"
}

git -C "$repo" rev-parse --verify -q "$revision^{commit}" >/dev/null || { echo "no revision $revision" >&2; exit 2; }
mkdir -p "$work/baseline-tree"
git -C "$repo" archive "$revision" | tar -x -C "$work/baseline-tree"
echo "==> $lines lines ($(( $(stat -c %s "$file") / 1024 / 1024 )) MiB); current = this tree, baseline = $revision ($(git -C "$repo" rev-parse --short "$revision"))"
start baseline "$work/baseline-tree"
start current "$repo"
for run in $(seq 1 "$runs"); do
  import baseline "$run"
  import current "$run"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "==> PostgreSQL after the last import (current): $(psql "${db[current]}" -At -F' ' -c "
    SELECT 'ratings ' || pg_size_pretty(pg_table_size('ratings')) || ' + indexes ' || pg_size_pretty(pg_indexes_size('ratings'))
        || ' (' || round(pg_total_relation_size('ratings')::numeric / greatest(count(*), 1), 1) || ' bytes a rating); users '
        || pg_size_pretty(pg_total_relation_size('users')) || ', items ' || pg_size_pretty(pg_total_relation_size('items'))
    FROM ratings")"
for name in baseline current; do
  echo "==> $name: median $(cut -d' ' -f1 "$work/$name.results" | median) ratings/s, peak above idle $(cut -d' ' -f2 "$work/$name.results" | sort -n | tr '\n' ' ')MiB"
done
echo "==> done; $(uptime)"
