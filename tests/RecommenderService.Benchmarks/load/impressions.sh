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
# Around every measured run, load/cpu_ticks.py reads the CPU time of the side's service process and of every PostgreSQL
# process (by kind: backend, walwriter, checkpointer, autovacuum ...); the end prints CPU per served list on each side
# and the difference, on - off: the price of an impression, split between the service and the database's processes.
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
start_side "${on_url##*:}" true service-on.log
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
cpu="$(mktemp "$bench_scratch/impressions-cpu-XXXXXX")"
for r in $(seq 1 "$repeats"); do
  for side in on off; do
    url="$on_url"; pid="$on_pid"
    [[ "$side" == off ]] && { url="$off_url"; pid="$off_pid"; }
    before="$(python3 "$here/cpu_ticks.py" "$pid" "$postmaster")"
    line="$(run_wrk "$url" "$connections" "${seconds}s")"
    after="$(python3 "$here/cpu_ticks.py" "$pid" "$postmaster")"
    echo "run=$r impressions=$side $line load=[$(uptime | sed 's/.*load average: //')]" | tee -a "$results"
    echo "side=$side $(sed 's/.*requests=\([0-9]*\).*/requests=\1/' <<<"$line") | $before | $after" >> "$cpu"
  done
done

echo "==> Impressions on the 'on' service"
curl -fsS "$on_url/metrics" | grep -E '^recommender_impression' || true
[[ "${WRITE:-true}" == false ]] || psql "$psql_uri" -At -c "SELECT 'rows in impressions: ' || count(*) FROM impressions"

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

echo "==> CPU per served list (all runs of a side: CPU time over the runs / lists served), microseconds"
python3 - "$cpu" <<'PY'
import sys
totals = {}
for line in open(sys.argv[1]):
    head, before, after = (dict(kv.split("=") for kv in part.split()) for part in line.split("|"))
    side = totals.setdefault(head["side"], {"requests": 0})
    side["requests"] += int(head["requests"])
    tick = 1e6 / int(after["ticks_per_second"])
    for key in after:
        if key != "ticks_per_second":
            side[key] = side.get(key, 0) + (int(after[key]) - int(before.get(key, 0))) * tick
for side in totals.values():
    side["pg_total"] = sum(v for k, v in side.items() if k.startswith("pg_"))
    side["other"] = side["machine_busy"] - side["service"] - side["pg_total"]
keys = ["service", "pg_total"] + sorted({k for s in totals.values() for k in s if k.startswith("pg_") and k != "pg_total"}) + ["machine_busy", "other"]
print(f"{'':22}{'on':>10}{'off':>10}{'on - off':>10}")
per = {s: {k: totals[s].get(k, 0) / totals[s]["requests"] for k in keys} for s in ("on", "off")}
for k in keys:
    print(f"{k:22}{per['on'][k]:10.1f}{per['off'][k]:10.1f}{per['on'][k] - per['off'][k]:10.1f}")
print(f"{'lists served':22}{totals['on']['requests']:10d}{totals['off']['requests']:10d}")
print("(other: the rest of the machine's busy time, wrk included)")
PY
rm -f "$results" "$cpu"
