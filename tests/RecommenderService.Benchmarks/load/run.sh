#!/usr/bin/env bash
# Serving latency end to end with wrk: a throwaway PostgreSQL and the Release service on 127.0.0.1 (started
# as ingest/run.sh does: Production, Serilog warnings only, RateLimiting__Enabled=false so the limiter is
# not what gets measured), MovieLens imported through POST /ratings/import, a model trained and activated
# through POST /model/retrain (polled until it succeeded), then for each connection count:
#   GET /api/v1/users/{random 1..943}/recommendations?count=10  (client key)   and   GET /health/live,
# each after a warm-up, printing requests/s, p50/p99 and the throughput ratio recommendations/live.
#
#   tests/RecommenderService.Benchmarks/load/run.sh [--lock FILE] [--scratch DIR] path/to/ml-100k/u.data [connections, default "8 32 64"] [seconds, default 20] [repeats, default 3]
#
# MODES="recommendations reasons live" adds lists with include=reasons, measured in turn beside the plain lists.
#
# Needs what ingest/run.sh needs, plus wrk (Debian: apt-get install -y wrk). wrk runs -t2 on the same
# machine as the service: with 2 cores it takes a share of the CPU; `uptime` is printed with every figure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

data="${1:?usage: run.sh <path to MovieLens u.data> [connections] [seconds] [repeats]}"
connections="${2:-8 32 64}"
seconds="${3:-20}"
repeats="${4:-3}"
modes="${MODES:-recommendations live}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
source "$here/../ingest/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"
users="$(cut -f1 "$data" | sort -u | wc -l)"

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
[[ "$state" == succeeded ]] || { echo "retrain job $job: $state" >&2; curl -sS "$base_url/api/v1/model/jobs/$job" -H "X-Api-Key: $admin_key" >&2; exit 1; }
# Every replica swaps on a notice; wait until this one serves the model.
for _ in $(seq 1 60); do
  curl -fsS "$base_url/api/v1/users/1/recommendations?count=10" -H "X-Api-Key: $client_key" | grep -q '"modelVersion":[0-9]' && break
  sleep 1
done
curl -fsS "$base_url/api/v1/model" -H "X-Api-Key: $client_key" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("model", m["version"], m.get("counts"), "rmse", m.get("metrics",{}).get("rmse"))'

run_wrk() { # mode connections duration
  MODE="$1" USERS="$users" API_KEY="$client_key" wrk -t2 -c"$2" -d"$3" --latency -s "$here/serving.lua" "$base_url" | grep '^RESULT'
}

echo "==> Warm-up (not counted)"
for mode in $modes; do run_wrk "$mode" 32 5s >/dev/null; done

echo "==> Measure: wrk -t2 -c{$connections} -d${seconds}s --latency, $repeats repeats each, alternating"
results="$(mktemp "$bench_scratch/load-results-XXXXXX")"
for c in $connections; do
  for r in $(seq 1 "$repeats"); do
    for mode in $modes; do
      line="$(run_wrk "$mode" "$c" "${seconds}s")"
      echo "c=$c run=$r $line load=[$(uptime | sed 's/.*load average: //')]" | tee -a "$results"
    done
  done
done

echo "==> Medians"
python3 - "$results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = dict(re.findall(r"(\w+)=([\w.]+)", line))
    rows.setdefault((int(f["c"]), f["mode"]), []).append(f)
for c in sorted({c for c, _ in rows}):
    modes = [m for m in ("recommendations", "reasons", "live") if (c, m) in rows]
    med = {m: {k: statistics.median(float(r[k]) for r in rows[(c, m)]) for k in ("rps", "p50_ms", "p99_ms")} for m in modes}
    errors = sum(int(r["errors"]) for m in modes for r in rows[(c, m)])
    parts = [f"{m} {med[m]['rps']:,.0f} req/s p50 {med[m]['p50_ms']:.2f} ms p99 {med[m]['p99_ms']:.2f} ms" for m in modes]
    ratio = f" | ratio {med['recommendations']['rps'] / med['live']['rps']:.2f}" if "live" in med and "recommendations" in med else ""
    print(f"c={c}: " + " | ".join(parts) + ratio + f" | errors {errors}")
PY
rm -f "$results"
