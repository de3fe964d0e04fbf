#!/usr/bin/env bash
# Serving with many users, side by side on one server: the 120k-user data set (recsys generate:
# 8.5M ratings of 120,000 users on 20,000 items, seed 42) and MovieLens-100k, each imported into a fresh service,
# trained through POST /model/retrain with the service's defaults, then wrk -t1 -c16 -d10s on /health/live and on
# GET /users/{random user of all}/recommendations (scale/end_to_end.sh does each run and prints the figures, the
# retrain's stages and peak RSS too). Goal: recommendations >= 0.5x the /health/live throughput, p99 <= 10 ms.
#
#   tests/RecommenderService.Benchmarks/load/many_users.sh [--lock FILE] [--scratch DIR] path/to/ml-100k/u.data [CSV_FILE] [RATINGS, default 8500000]
#
# Heavy (import of 8.5M ratings, a retrain, 40 s of wrk per data set): it runs under the benchmark lock
# (../bench_env.sh). The generated file lives in a folder under the scratch folder, removed at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

movielens="${1:?usage: many_users.sh path/to/ml-100k/u.data [CSV_FILE] [RATINGS]}"
csv="${2:-}"
ratings="${3:-8500000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
scratch="$(bench_scratch_dir recsys-many-users)"
trap 'rm -rf "$scratch"' EXIT

echo "==> Generating $ratings ratings of 120,000 users on 20,000 items"
dotnet build "$repo/src/RecommenderService.Cli" -c Release -o "$scratch/recsys" -v quiet -nologo >/dev/null
dotnet "$scratch/recsys/recsys.dll" generate --users 120000 --items 20000 --ratings "$ratings" --output "$scratch/ratings.tsv"
"$repo/tests/RecommenderService.Benchmarks/scale/end_to_end.sh" "$scratch/ratings.tsv" "120k-users" ${csv:+"$csv"}
"$repo/tests/RecommenderService.Benchmarks/scale/end_to_end.sh" "$movielens" "ml-100k" ${csv:+"$csv"}
