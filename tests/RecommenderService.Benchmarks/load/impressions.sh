#!/usr/bin/env bash
# Serving latency with impressions recorded and not, side by side: one throwaway PostgreSQL, MovieLens imported and a
# model trained as in load/run.sh by a first service, which is then stopped; then two fresh Release services on the
# same database and model, alike but for Outcomes__RecordImpressions=true (the default: every list is queued and written
# with COPY) and =false (both without the job server). wrk runs against them in turn, on, off, on, off ..., each run the same length,
# and the medians of each are printed with the impressions written and dropped.
#
#   tests/RecommenderService.Benchmarks/load/impressions.sh [--lock FILE] [--scratch DIR] path/to/ml-100k/u.data [connections, default 16] [seconds, default 10] [repeats, default 5]
#
# WRITE=false renames the impressions table before measuring, so the 'on' service does all of its own work (ids,
# impressions, queue) but the database stores nothing (every batch fails, is dropped and counted): the in-process cost
# alone, apart from the database's.
#
# Around every measured run, load/cpu_ticks.py reads the CPU time of both services and of every PostgreSQL process
# (each backend by the service it serves; walwriter, checkpointer, autovacuum ...), and /metrics their garbage
# collections; the end prints CPU per served list on each side and the difference, on - off: the price of an
# impression, split between the service and the database's processes. The service's and its backends' CPU is taken over
# the side's own runs: per side the median over rounds, and on - off the median of each round's difference (its two
# runs are adjacent, so other work on the machine weighs on both alike; a round in which it stole the cores would
# dominate a sum). The database's background work is caused by the 'on' side's writes whenever it happens, so it is
# summed over all runs and divided by the 'on' side's lists.
#
# AA=true makes both sides alike (both record nothing): the ratio's spread between such runs is what the method can
# tell apart on this machine at the time.
#
# PIN=true gives PostgreSQL a core of its own: the cluster on the last core, both services and wrk on the others
# (taskset), as if the database ran on its own host.
#
# Needs what load/run.sh needs. Both services and wrk share the machine's cores; `uptime` is printed with every run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

data="${1:?usage: impressions.sh <path to MovieLens u.data> [connections] [seconds] [repeats]}"
connections="${2:-16}"
seconds="${3:-10}"
repeats="${4:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
source "$here/../ingest/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"
postmaster="$(head -n 1 "$work/data/postmaster.pid")"
last_core=$(( $(nproc) - 1 ))
pin_service=()
if [[ "${PIN:-false}" == true ]]; then
  (( last_core > 0 )) || { echo "PIN=true needs two cores at least" >&2; exit 1; }
  pin_service=(taskset -c "0-$(( last_core - 1 ))")
fi
users="$(cut -f1 "$data" | sort -u | wc -l)"
on_pid=""
off_pid=""

echo "==> Import $data"
tr '\t' ',' < "$data" | curl -fsS -X POST "$base_url/api/v1/ratings/import" -H "X-Api-Key: $admin_key" \
  -H "Content-Type: text/csv" --data-binary @- ; echo

echo "==> Train and activate a model"
job="$(curl -fsS -X POST "$base_url/api/v1/model/retrain" -H "X-Api-Key: $admin_key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["jobId"])')"
for _ in $(seq 1 900); do
  state="$(curl -fsS "$base_url/api/v1/model/jobs/$job" -H "X-Api-Key: $admin_key" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
  [[ "$state" == succeeded || "$state" == failed ]] && break
  sleep 2
done
[[ "$state" == succeeded ]] || { echo "retrain job $job: $state" >&2; exit 1; }

# The service that trained ran the job server and holds the training's garbage: both measured services start fresh.
kill "$service_pid"; wait "$service_pid" 2>/dev/null || true; service_pid=""
start_side() { # port record-impressions log
  (
    cd "$work/service"
    ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres" \
    Auth__AdminKeys__0="$admin_key" Auth__ClientKeys__0="$client_key" \
    RateLimiting__Enabled=false ASPNETCORE_URLS="http://127.0.0.1:$1" ASPNETCORE_ENVIRONMENT=Production \
    Serilog__MinimumLevel__Default=Warning Training__JobsEnabled=false Outcomes__RecordImpressions="$2" \
    exec "${pin_service[@]}" dotnet RecommenderService.Api.dll >"$work/$3" 2>&1
  ) &
}
if [[ "${PIN:-false}" == true ]]; then
  echo "==> PIN=true: PostgreSQL on core $last_core; the services and wrk on cores 0-$(( last_core - 1 ))"
  # Processes the postmaster forks later (backends) inherit its affinity; those running now are moved one by one.
  for pid in "$postmaster" $(ps -o pid= --ppid "$postmaster"); do taskset -a -cp "$last_core" "$pid" >/dev/null; done
fi
echo "==> Two fresh services on the same database and model: Outcomes__RecordImpressions=true and =false"
on_url="http://127.0.0.1:$(free_port)"
start_side "${on_url##*:}" "$([[ "${AA:-false}" == true ]] && echo false || echo true)" service-on.log
on_pid=$!
off_url="http://127.0.0.1:$(free_port)"
start_side "${off_url##*:}" false service-off.log
off_pid=$!
trap 'kill "$on_pid" "$off_pid" 2>/dev/null; wait "$on_pid" "$off_pid" 2>/dev/null; stop_throwaway_service' EXIT
for url in "$on_url" "$off_url"; do
  for _ in $(seq 1 120); do
    curl -fsS "$url/api/v1/users/1/recommendations?count=10" -H "X-Api-Key: $client_key" 2>/dev/null | grep -q '"modelVersion":[0-9]' && break
    sleep 0.5
  done
done

run_wrk() { # url connections duration
  MODE=recommendations USERS="$users" API_KEY="$client_key" "${pin_service[@]}" wrk -t1 -c"$2" -d"$3" --latency -s "$here/serving.lua" "$1" | grep '^RESULT'
}

if [[ "${WRITE:-true}" == false ]]; then
  echo "==> WRITE=false: impressions cannot be stored (table renamed); the 'on' side pays only its own cost"
  psql "$psql_uri" -q -c "ALTER TABLE impressions RENAME TO impressions_away"
fi

echo "==> Warm-up (not counted)"
run_wrk "$on_url" "$connections" 5s >/dev/null
run_wrk "$off_url" "$connections" 5s >/dev/null

echo "==> Measure: wrk -t1 -c$connections -d${seconds}s --latency, impressions on and off in turn, $repeats times"
results="$(mktemp "$bench_scratch/impressions-XXXXXX")"
gc_counts() { # url -> gc0=N gc1=N gc2=N
  curl -fsS "$1/metrics" | sed -n 's/^dotnet_collection_count_total{generation="\([0-9]\)"} \([0-9.e+]*\)$/gc\1=\2/p' | tr '\n' ' '
}
cpu_before="$(python3 "$here/cpu_ticks.py" "$on_pid" "$off_pid" "$postmaster") $(gc_counts "$on_url" | sed 's/=/_on=/g') $(gc_counts "$off_url" | sed 's/=/_off=/g')"
for r in $(seq 1 "$repeats"); do
  for side in on off; do
    url="$on_url"; [[ "$side" == off ]] && url="$off_url"
    before="$(python3 "$here/cpu_ticks.py" "$on_pid" "$off_pid" "$postmaster")"
    line="$(run_wrk "$url" "$connections" "${seconds}s")"
    after="$(python3 "$here/cpu_ticks.py" "$on_pid" "$off_pid" "$postmaster")"
    echo "run=$r impressions=$side $line load=[$(uptime | sed 's/.*load average: //')]" | tee -a "$results"
    echo "$side|$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")|$before|$after" >> "$results.cpu"
  done
done
cpu_after="$(python3 "$here/cpu_ticks.py" "$on_pid" "$off_pid" "$postmaster") $(gc_counts "$on_url" | sed 's/=/_on=/g') $(gc_counts "$off_url" | sed 's/=/_off=/g')"

echo "==> Impressions on the 'on' service"
curl -fsS "$on_url/metrics" | grep -E '^recommender_impression' || true
[[ "${WRITE:-true}" == false ]] || psql "$psql_uri" -At -c "SELECT 'rows in impressions: ' || count(*) FROM impressions"
[[ "${WRITE:-true}" == false ]] || psql "$psql_uri" -At -c "SELECT 'impressions table: ' || pg_size_pretty(pg_total_relation_size('impressions')) || ', autovacuum ' || autovacuum_count || ', autoanalyze ' || autoanalyze_count FROM pg_stat_user_tables WHERE relname = 'impressions'"

echo "==> Medians"
python3 - "$results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = dict(re.findall(r"(\w+)=([\w.]+)", line))
    rows.setdefault(f["impressions"], []).append(f)
med = {s: {k: statistics.median(float(r[k]) for r in rows[s]) for k in ("rps", "p50_ms", "p99_ms")} for s in ("on", "off")}
for s in ("on", "off"):
    print(f"impressions {s}: {med[s]['rps']:,.0f} req/s p50 {med[s]['p50_ms']:.2f} ms p99 {med[s]['p99_ms']:.2f} ms "
          f"(p99 per run: {', '.join(r['p99_ms'] for r in rows[s])})")
print(f"p99 on / off: {med['on']['p99_ms'] / med['off']['p99_ms']:.3f}; throughput on / off: {med['on']['rps'] / med['off']['rps']:.3f}")
PY

echo "==> CPU per served list over the measured runs (CPU time / lists served), microseconds"
python3 - "$results" "$cpu_before" "$cpu_after" <<'PY'
import re, statistics, sys
lists = {"on": 0, "off": 0}
for line in open(sys.argv[1]):
    f = dict(re.findall(r"(\w+)=([\w.]+)", line))
    lists[f["impressions"]] += int(f["requests"])
parse = lambda text: {k: float(v) for k, v in (kv.split("=") for kv in text.split())}
# Per round: each side's service and backends over its own run, per list served in it.
rounds = {"on": [], "off": []}
for line in open(sys.argv[1] + ".cpu"):
    side, served, before, after = line.rstrip("\n").split("|")
    b, a = parse(before), parse(after)
    rounds[side].append({part: (a[f"{part}_{side}"] - b[f"{part}_{side}"]) * 1e6 / int(served) for part in ("service", "pg_backend")})
median = lambda side, part: statistics.median(r[part] for r in rounds[side])
before, after = parse(sys.argv[2]), parse(sys.argv[3])
d = {k: after[k] - before.get(k, 0) for k in after}
background = {k: v for k, v in d.items() if k.startswith("pg_") and not k.startswith("pg_backend_")}
us = lambda seconds, side: seconds * 1e6 / lists[side]
differences = lambda part: [x[part] - y[part] for x, y in zip(rounds["on"], rounds["off"])]
paired = lambda part: statistics.median(differences(part))
rows = [("service", median("on", "service"), median("off", "service"), paired("service")),
        ("postgres backends", median("on", "pg_backend"), median("off", "pg_backend"), paired("pg_backend"))]
rows.append(("postgres background", us(sum(background.values()), "on"), 0.0, us(sum(background.values()), "on")))
rows += [(f"  {k[3:]}", us(v, "on"), 0.0, us(v, "on")) for k, v in sorted(background.items()) if v > 0]
rows.append(("total", rows[0][1] + rows[1][1] + rows[2][1], rows[0][2] + rows[1][2], rows[0][3] + rows[1][3] + rows[2][3]))
print(f"{'':24}{'on':>9}{'off':>9}{'on - off':>10}")
for name, on, off, difference in rows:
    print(f"{name:24}{on:9.1f}{off:9.1f}{difference:10.1f}")
for part, name in (("service", "service"), ("pg_backend", "backends")):
    print(f"{name} on - off by round: {', '.join('%.1f' % x for x in differences(part))}")
for g in "012":
    if f"gc{g}_on" in d:
        print(f"{'gen' + g + ' GCs per 100k lists':24}{d[f'gc{g}_on'] * 1e5 / lists['on']:9.1f}{d[f'gc{g}_off'] * 1e5 / lists['off']:9.1f}")
print(f"{'lists served':24}{lists['on']:9d}{lists['off']:9d}")
print(f"machine busy {d['machine_busy'] / d['wall']:.2f} of {__import__('os').cpu_count()} cores over the runs; "
      f"other backends {d['pg_backend_other']:.2f} s")
PY
rm -f "$results" "$results.cpu"
