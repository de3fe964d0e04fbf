#!/usr/bin/env bash
# One size of the scale curve, end to end through the service: a throwaway
# PostgreSQL and the Release service on 127.0.0.1 (ingest/throwaway_service.sh: Production settings,
# warnings-only logging, rate limiting off), then
#   1. the rating file imported through POST /api/v1/ratings/import (CSV);
#   2. POST /api/v1/model/retrain with the service's defaults (or RETRAIN_JSON), timed from the request until
#      GET /api/v1/model reports the new version active; the stages from the version's timings (read, rating
#      head, ranking head, evaluate, refit, store) and from /metrics (preload, swap); the replica's peak RSS
#      during the retrain (the kernel's high-water mark, reset just before the request);
#   3. wrk -t1 -c16 -d10s, side by side on the same server, after 2 s of each to warm the JIT: /health/live,
#      then recommendations for random users of all of the file's users twice (the first 10 s, when nearly every
#      list is computed fresh, and the next 10 s), then /health/live again.
# Prints every figure with `uptime`, and appends one row to the CSV file if one is given.
#
#   tests/RecommenderService.Benchmarks/scale/end_to_end.sh [--lock FILE] [--scratch DIR] RATINGS_FILE LABEL [CSV_FILE]
#
# RATINGS_FILE: user TAB item TAB rating [TAB timestamp] (recsys generate's output, MovieLens u.data); users
# must be 1..N (the wrk script draws ids from that range). Heavy: it runs under the benchmark lock
# (../bench_env.sh). Needs what ingest/run.sh needs, plus wrk (Debian: apt-get install -y wrk).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

data="${1:?usage: end_to_end.sh RATINGS_FILE LABEL [CSV_FILE]}"
label="${2:?usage: end_to_end.sh RATINGS_FILE LABEL [CSV_FILE]}"
csv="${3:-}"
retrain_json="${RETRAIN_JSON:-{\}}"
wrk_seconds="${WRK_SECONDS:-10}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
[[ -z "$csv" ]] || csv="$(realpath -m "$csv")"
data="$(realpath "$data")"
load() { uptime | sed 's/.*load average: //; s/,//g'; }

read -r ratings users items < <(awk -F'\t' '{ n++; u[$1]; i[$2] } END { print n, length(u), length(i) }' "$data")
echo "==> $label: $ratings ratings, $users users, $items items ($data)"

source "$here/../ingest/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"
admin=(-H "X-Api-Key: $admin_key")
client=(-H "X-Api-Key: $client_key")
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "==> Import ($(uptime))"
started=$(date +%s.%N)
cut -f1-3 "$data" | tr '\t' ',' | curl -fsS -X POST "$base_url/api/v1/ratings/import" "${admin[@]}" \
  -H "Content-Type: text/csv" -T - >/dev/null
import_seconds=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
echo "    $import_seconds s"

echo "==> Retrain with $retrain_json ($(uptime))"
# Peak RSS of the retrain alone: reset the kernel's high-water mark (clear_refs 5), then read VmHWM after.
echo 5 > "/proc/$service_pid/clear_refs"
rss_before_mb=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$service_pid/status")
started=$(date +%s.%N)
job="$(curl -fsS -X POST "$base_url/api/v1/model/retrain" "${admin[@]}" -H 'Content-Type: application/json' -d "$retrain_json" | json 'd["jobId"]')"
version=""
for _ in $(seq 1 36000); do
  version="$(curl -fsS "$base_url/api/v1/model" "${client[@]}" 2>/dev/null | json 'd["version"]' 2>/dev/null || true)"
  [[ -n "$version" ]] && break
  state="$(curl -fsS "$base_url/api/v1/model/jobs/$job" "${admin[@]}" | json 'd["state"]')"
  if [[ "$state" == failed || "$state" == succeeded ]]; then
    # Succeeded between the two reads: the model answers now; failed (or rejected): say why and stop.
    version="$(curl -fsS "$base_url/api/v1/model" "${client[@]}" 2>/dev/null | json 'd["version"]' 2>/dev/null || true)"
    [[ -n "$version" ]] && break
    curl -sS "$base_url/api/v1/model/jobs/$job" "${admin[@]}" >&2; echo >&2; exit 1
  fi
  sleep 0.2
done
retrain_seconds=$(python3 -c "print(round($(date +%s.%N) - $started, 1))")
peak_rss_mb=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$service_pid/status")
rss_after_mb=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$service_pid/status")
curl -fsS "$base_url/metrics" > "$work/metrics.txt"
stages="$(curl -fsS "$base_url/api/v1/model" "${client[@]}" | python3 -c '
import json, re, sys
m = json.load(sys.stdin)
t = m["metrics"].get("timings", {})
text = open(sys.argv[1]).read()
def metric(stage):
    hit = re.search(r"recommender_retrain_stage_duration_seconds_sum\{stage=\"%s\"\} ([0-9.eE+-]+)" % stage, text)
    return float(hit.group(1)) if hit else float("nan")
h = m["hyperparameters"]
def n(value):  # a list figure the version left out (null) prints as "none", not as 0
    return "none" if value is None else round(value, 4)
print(" ".join(str(round(x, 2)) for x in [t.get("readSeconds"), t.get("ratingHeadSeconds"), t.get("rankingHeadSeconds"),
    t.get("evaluateSeconds"), t.get("refitSeconds"), t.get("storeSeconds"), metric("preload"), metric("swap")]),
    h.get("factors"), h.get("bestEpoch"), h.get("epochs"), round(m["metrics"]["rmse"], 4), *(n(m["metrics"].get(f)) for f in ("ndcgAt10",)), m.get("listSource"),
    *(n(m["metrics"].get(f)) for f in ("rankingHeadNdcgAt10", "popularityNdcgAt10")), m["metrics"].get("rankingUsers"),
    *(n(m["metrics"].get(f)) for f in ("rankingHeadOnlyNdcgAt10", "servedPopularityNdcgAt10")))
' "$work/metrics.txt")"
read -r s_read s_rating s_ranking s_evaluate s_refit s_store s_preload s_swap factors best_epoch epochs rmse ndcg list_source ranking_ndcg popularity_ndcg list_users head_only_ndcg served_popularity_ndcg <<< "$stages"
echo "    version $version active after $retrain_seconds s (load $(load)); peak RSS $peak_rss_mb MB (before $rss_before_mb MB, after $rss_after_mb MB)"
echo "    stages: read $s_read, rating head $s_rating, ranking head $s_ranking, evaluate $s_evaluate, refit $s_refit, store $s_store, preload $s_preload, swap $s_swap s"
echo "    k=$factors best epoch $best_epoch epochs $epochs; holdout RMSE $rmse, NDCG@10 $ndcg, lists from $list_source (NDCG@10 ranking head $ranking_ndcg, alone $head_only_ndcg, popularity as served $served_popularity_ndcg, most rated $popularity_ndcg, on $list_users users)"

run_wrk() { # mode -> "rps p50 p99 errors"
  MODE="$1" USERS="$users" API_KEY="$client_key" wrk -t1 -c16 -d"$([[ -n "${WRK_WARMUP:-}" ]] && echo 2 || echo "$wrk_seconds")s" --latency -s "$here/../load/serving.lua" "$base_url" \
    | grep '^RESULT' | python3 -c 'import re,sys; f=dict(re.findall(r"(\w+)=([\w.]+)", sys.stdin.read())); print(f["rps"], f["p50_ms"], f["p99_ms"], int(f["errors"]) + int(f["non2xx"]))'
}
serve() {
# 2 s of each first, not counted: the JIT compiles the request paths (a deployed replica is past that); it lists
# a few thousand of the users, so the first counted 10 s still compute nearly every list fresh.
WRK_WARMUP=1 run_wrk live >/dev/null
WRK_WARMUP=1 run_wrk recommendations >/dev/null
echo "==> Serving: wrk -t1 -c16 -d${wrk_seconds}s, live / recommendations (first) / recommendations (second) / live"
read -r live1_rps live1_p50 live1_p99 live1_err < <(run_wrk live)
echo "    live:                 $live1_rps req/s p50 $live1_p50 ms p99 $live1_p99 ms errors $live1_err (load $(load))"
read -r rec1_rps rec1_p50 rec1_p99 rec1_err < <(run_wrk recommendations)
echo "    recommendations, 1st: $rec1_rps req/s p50 $rec1_p50 ms p99 $rec1_p99 ms errors $rec1_err (load $(load))"
read -r rec2_rps rec2_p50 rec2_p99 rec2_err < <(run_wrk recommendations)
echo "    recommendations, 2nd: $rec2_rps req/s p50 $rec2_p50 ms p99 $rec2_p99 ms errors $rec2_err (load $(load))"
read -r live2_rps live2_p50 live2_p99 live2_err < <(run_wrk live)
echo "    live:                 $live2_rps req/s p50 $live2_p50 ms p99 $live2_p99 ms errors $live2_err (load $(load))"
serving_rss_mb=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$service_pid/status")
live_rps=$(python3 -c "print(round(($live1_rps + $live2_rps) / 2))")
ratio1=$(python3 -c "print(round($rec1_rps / $live_rps, 2))")
ratio2=$(python3 -c "print(round($rec2_rps / $live_rps, 2))")
echo "    ratio recommendations/live: first $ratio1, second $ratio2; RSS while serving $serving_rss_mb MB"
}
serve

if [[ -n "$csv" ]]; then
  [[ -s "$csv" ]] || echo "label,ratings,users,items,import_s,retrain_s,read_s,rating_head_s,ranking_head_s,evaluate_s,refit_s,store_s,preload_s,swap_s,peak_rss_mb,serving_rss_mb,factors,best_epoch,epochs,holdout_rmse,holdout_ndcg10,list_source,live_rps,rec_first_rps,rec_first_p50_ms,rec_first_p99_ms,rec_second_rps,rec_second_p50_ms,rec_second_p99_ms,errors,load1,date" > "$csv"
  echo "$label,$ratings,$users,$items,$import_seconds,$retrain_seconds,$s_read,$s_rating,$s_ranking,$s_evaluate,$s_refit,$s_store,$s_preload,$s_swap,$peak_rss_mb,$serving_rss_mb,$factors,$best_epoch,$epochs,$rmse,$ndcg,$list_source,$live_rps,$rec1_rps,$rec1_p50,$rec1_p99,$rec2_rps,$rec2_p50,$rec2_p99,$((live1_err + rec1_err + rec2_err + live2_err)),$(load | cut -d' ' -f1),$(date -u +%FT%TZ)" >> "$csv"
  echo "==> row appended to $csv"
fi

# VARIANTS: serving again on the same database and model, the service restarted with extra environment each
# time (a cold user cache, as after a deployment), to compare runtime settings side by side, e.g.
#   VARIANTS='workstation-gc:DOTNET_gcServer=0 no-concurrent-gc:DOTNET_gcConcurrent=0,DOTNET_TieredPGO=0'
for variant in ${VARIANTS:-}; do
  name="${variant%%:*}"
  IFS=, read -r -a extra <<< "${variant#*:}"
  echo "==> Variant $name: ${extra[*]}"
  # An entry CS+=key=value (no spaces) is appended to the connection string instead, e.g. CS+=MaxAutoPrepare=20.
  connection="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres"
  environment=()
  for e in "${extra[@]}"; do
    if [[ "$e" == CS+=* ]]; then connection+=";${e#CS+=}"; else environment+=("$e"); fi
  done
  kill "$service_pid" && wait "$service_pid" 2>/dev/null || true
  (
    cd "$work/service"
    exec env ConnectionStrings__Recommender="$connection" \
      Auth__AdminKeys__0="$admin_key" Auth__ClientKeys__0="$client_key" \
      RateLimiting__Enabled=false ASPNETCORE_URLS="$base_url" ASPNETCORE_ENVIRONMENT=Production \
      Serilog__MinimumLevel__Default=Warning "${environment[@]}" \
      dotnet RecommenderService.Api.dll >>"$work/service.log" 2>&1
  ) &
  service_pid=$!
  for _ in $(seq 1 600); do
    curl -fsS "$base_url/api/v1/users/1/recommendations?count=10" "${client[@]}" 2>/dev/null | grep -q '"modelVersion":[0-9]' && break
    sleep 0.5
  done
  serve
done
