#!/usr/bin/env bash
# The catalogue's life under load: two replicas of the Release service on 127.0.0.1 over one throwaway PostgreSQL
# (as ingest/run.sh starts one), MovieLens imported and a model trained, then churn.py's list traffic on both
# replicas in rounds, each of two phases of the same requests: one without writes (baseline), one retiring the 100
# items most often listed in the last minute a third of the way in and bringing them back two thirds in (churn). The
# order alternates from round to round (baseline first, then churn first, ...), so load from elsewhere on a shared
# machine falls on both alike. Prints every phase's throughput and p50/p99, and for churn the responses started more
# than 1 s after the acknowledged retirement that still hold a retired item (there should be none) and how long each
# replica took to list the restored items again; then the medians and ranges over the rounds and the per-round
# ratios churn / baseline.
#
#   tests/RecommenderService.Benchmarks/catalogue/run.sh [--lock FILE] [--scratch DIR] path/to/ml-100k/u.data [seconds per phase, default 30] [threads, default 8] [rounds, default 4]
#
# Needs what ingest/run.sh needs. The client is Python (one keep-alive connection per thread and replica) on the same
# machine: on 2 cores it takes a share of the CPU, the same share in both phases.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

data="${1:?usage: run.sh <path to MovieLens u.data> [seconds per phase] [threads] [rounds]}"
seconds="${2:-30}"
threads="${3:-8}"
rounds="${4:-4}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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
[[ "$state" == succeeded ]] || { echo "retrain job $job: $state" >&2; exit 1; }

# The second replica: the same build and database, its own port; it loads the active model at start.
second_port="$(free_port)"
second_url="http://127.0.0.1:$second_port"
(
  cd "$work/service"
  ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres" \
  Auth__AdminKeys__0="$admin_key" Auth__ClientKeys__0="$client_key" Training__JobsEnabled=false \
  RateLimiting__Enabled=false ASPNETCORE_URLS="$second_url" ASPNETCORE_ENVIRONMENT=Production \
  Serilog__MinimumLevel__Default=Warning \
  exec dotnet RecommenderService.Api.dll >"$work/service2.log" 2>&1
) &
second_pid=$!
trap 'kill "$second_pid" 2>/dev/null; wait "$second_pid" 2>/dev/null; stop_throwaway_service' EXIT
for url in "$base_url" "$second_url"; do
  for _ in $(seq 1 120); do
    curl -fsS "$url/api/v1/users/1/recommendations?count=10" -H "X-Api-Key: $client_key" 2>/dev/null | grep -q '"modelVersion":[0-9]' && break
    sleep 0.5
  done
done

echo "==> Warm-up (not counted)"
ROUNDS=1 PHASE_SECONDS=6 THREADS="$threads" USERS="$users" CLIENT_KEY="$client_key" python3 "$here/churn.py" "$base_url" "$second_url" >/dev/null

echo "==> Measure: $threads threads, ${seconds}s per phase, $rounds round(s); $(nproc) cores, load [$(uptime | sed 's/.*load average: //')]"
ROUNDS="$rounds" PHASE_SECONDS="$seconds" THREADS="$threads" USERS="$users" CLIENT_KEY="$client_key" \
  python3 "$here/churn.py" "$base_url" "$second_url"
echo "==> Done; load [$(uptime | sed 's/.*load average: //')]"
