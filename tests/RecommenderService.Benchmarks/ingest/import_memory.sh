#!/usr/bin/env bash
# Streamed CSV import at scale: for each line count, a generated MovieLens-25M-shaped file
# (userId,itemId,rating,unixtime; 162,541 users, 59,047 items, distinct pairs) is POSTed whole to
# /api/v1/ratings/import of a Release build of the service (throwaway PostgreSQL, real HTTP, streamed
# upload with curl -T), into emptied tables. Prints ratings/s and the service's memory: resident set
# before the import (idle), the highest resident set sampled every 0.1 s during it, and the difference.
#
#   tests/RecommenderService.Benchmarks/ingest/import_memory.sh [--lock FILE] [--scratch DIR] 1000000 25000000
#
# Needs what throwaway_service.sh needs, plus awk and ~1 GB free in the scratch folder per 25M lines (the file,
# and PostgreSQL's tables). Other work on the machine moves the figures: `uptime` is printed before and after.
# --lock and --scratch: see ../bench_env.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

[[ $# -gt 0 ]] || { echo "usage: import_memory.sh <lines> [<lines> ...]" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$service_pid/status"; }

for lines in "$@"; do
  csv="$work/ratings-$lines.csv"
  awk -v n="$lines" 'BEGIN {
      users = 162541; items = 59047;
      for (i = 0; i < n; i++) {
        u = i % users; k = int(i / users);
        printf "%d,%d,%.1f,%d\n", u + 1, (k * 7919 + u * 31) % items + 1, 1 + ((i * 37) % 9) / 2, 1000000000 + i * 3;
      }
    }' > "$csv"
  bytes=$(stat -c %s "$csv")
  psql "$psql_uri" -q -c "TRUNCATE ratings, users, items RESTART IDENTITY CASCADE"
  sleep 2
  idle=$(rss_kb)
  peak_file="$work/peak"
  echo "$idle" > "$peak_file"
  ( peak=$idle; while kill -0 "$service_pid" 2>/dev/null; do r=$(rss_kb); (( r > peak )) && peak=$r && echo "$peak" > "$peak_file"; sleep 0.1; done ) &
  sampler=$!
  echo "==> $lines lines ($((bytes / 1024 / 1024)) MiB); idle RSS $((idle / 1024)) MiB; $(uptime)"
  start=$(date +%s.%N)
  status=$(curl -sS -X POST -T "$csv" -H "Content-Type: text/csv" -H "X-Api-Key: $admin_key" \
      -o "$work/answer.json" -w '%{http_code}' "$base_url/api/v1/ratings/import")
  end=$(date +%s.%N)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  peak=$(cat "$peak_file")
  stored=$(psql "$psql_uri" -At -c "SELECT count(*) FROM ratings")
  echo "    HTTP $status: $(head -c 600 "$work/answer.json")"
  [[ $status == 200 ]] || { echo "the import failed; the service's log:" >&2; tail -n 40 "$work/service.log" >&2; exit 1; }
  awk -v l="$lines" -v s="$start" -v e="$end" -v i="$idle" -v p="$peak" -v st="$stored" 'BEGIN {
      printf "    %d ratings stored; %.1f s wall; %.0f ratings/s; RSS idle %.0f MiB, peak %.0f MiB, peak above idle %.0f MiB\n",
             st, e - s, l / (e - s), i / 1024, p / 1024, (p - i) / 1024 }'
  rm -f "$csv"
done
echo "==> done; $(uptime)"
