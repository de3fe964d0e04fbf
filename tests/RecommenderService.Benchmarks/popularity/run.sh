#!/usr/bin/env bash
# What one popularity refresh costs the database, before and after per-item statistics: the old query (a
# GROUP BY over every rating, run by every replica every Popularity:RefreshSeconds) against the new one (a
# pass over item_stats plus the pending item_stat_changes), on the same data, medians of N runs of
# EXPLAIN ANALYZE's execution time. Then what the statement triggers that keep the statistics add to a CSV
# import of the file: the same import with them on and off, alternating.
#
#   tests/RecommenderService.Benchmarks/popularity/run.sh [--lock FILE] [--scratch DIR] path/to/ml-100k/u.data [copies, default 1] [runs, default 7] [import runs, default 5]
#
# copies > 1 imports the file that many times with user ids suffixed (#2, #3, ...) to show how each query
# grows with the number of ratings (items stay the same). Uses ingest/throwaway_service.sh (a throwaway
# PostgreSQL cluster and the Release service on 127.0.0.1, removed at the end). Note `uptime` by the figures.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

data="${1:?usage: run.sh <path to MovieLens u.data> [copies] [runs]}"
copies="${2:-1}"
runs="${3:-7}"
import_runs="${4:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../ingest/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"

csv="$work/ratings.csv"
for copy in $(seq 1 "$copies"); do
  suffix=""; [[ $copy -gt 1 ]] && suffix="#$copy"
  awk -v s="$suffix" 'NF >= 3 { print $1 s "," $2 "," $3 "," $4 }' "$data"
done > "$csv"
echo "==> Import of $(wc -l < "$csv") ratings; $(uptime)"
curl -fsS -X POST "$base_url/api/v1/ratings/import" -H "X-Api-Key: $admin_key" -H "Content-Type: text/csv" \
  --data-binary "@$csv" -o "$work/import.json" -w '    HTTP %{http_code} in %{time_total} s\n'
cat "$work/import.json"; echo
psql "$psql_uri" -q -c "VACUUM ANALYZE" >/dev/null

old_sql="SELECT i.external_id, i.title, count(*)::int, sum(r.value)::float8 FROM ratings r JOIN items i ON i.id = r.item_id GROUP BY i.id"
new_sql="SELECT i.external_id, i.title, s.n, s.s FROM (SELECT item_id, sum(rating_count)::int AS n, sum(rating_sum) AS s FROM (SELECT item_id, rating_count, rating_sum FROM item_stats UNION ALL SELECT item_id, rating_count, rating_sum FROM item_stat_changes) x GROUP BY item_id HAVING sum(rating_count) > 0) s JOIN items i ON i.id = s.item_id"

median_ms() {
  local sql="$1" times=()
  for _ in $(seq 1 "$runs"); do
    times+=("$(psql "$psql_uri" -At -c "EXPLAIN (ANALYZE, TIMING OFF) $sql" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

echo "==> Popularity refresh, median of $runs (ms): ratings $(psql "$psql_uri" -At -c 'SELECT count(*) FROM ratings'), items $(psql "$psql_uri" -At -c 'SELECT count(*) FROM items'), pending changes $(psql "$psql_uri" -At -c 'SELECT count(*) FROM item_stat_changes')"
echo "    GROUP BY over ratings (before): $(median_ms "$old_sql")"
echo "    item statistics (now):          $(median_ms "$new_sql")"

# The triggers' share of an import: the same import into emptied tables with the statistics triggers on and
# off (ALTER TABLE ... DISABLE TRIGGER, benchmark only), alternating, medians of the service's own figure.
import_seconds() {
  psql "$psql_uri" -q -c "TRUNCATE ratings, users, items RESTART IDENTITY CASCADE" -c "VACUUM ANALYZE" >/dev/null
  curl -fsS -X POST "$base_url/api/v1/ratings/import" -H "X-Api-Key: $admin_key" -H "Content-Type: text/csv" \
    --data-binary "@$csv" | python3 -c 'import json, sys; print(json.load(sys.stdin)["seconds"])'
}
with=(); without=()
for _ in $(seq 1 "$import_runs"); do
  with+=("$(import_seconds)")
  psql "$psql_uri" -q -c "ALTER TABLE ratings DISABLE TRIGGER USER" >/dev/null
  without+=("$(import_seconds)")
  psql "$psql_uri" -q -c "ALTER TABLE ratings ENABLE TRIGGER USER" >/dev/null
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "==> Import, median of $import_runs alternating runs (s): with the statistics triggers $(median "${with[@]}") [${with[*]}], without $(median "${without[@]}") [${without[*]}]"
echo "==> done; $(uptime)"
