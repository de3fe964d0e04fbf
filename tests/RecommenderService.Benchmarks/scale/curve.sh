#!/usr/bin/env bash
# The scale curve: for each size, a generated rating file (recsys generate, seed 42) run end to
# end through the service by end_to_end.sh (import, retrain with the service's defaults, wrk), one CSV row per
# size; then chart.py draws the PNG. Sizes are "ratings:users:items"; the default set:
#   1M (10k users, 5k items), 10M (120k users, 20k items), 25M (160k users, 60k items).
#
#   tests/RecommenderService.Benchmarks/scale/curve.sh [--lock FILE] [--scratch DIR] CSV_FILE [SIZE ...]
#   e.g. tests/RecommenderService.Benchmarks/scale/curve.sh docs/benchmarks/scale.csv 1000000:10000:5000 10000000:120000:20000
#
# Every size is a heavy run: the whole script runs under the benchmark lock (../bench_env.sh). The generated
# files live in a folder under the scratch folder, removed at the end (25M ratings: ~0.6 GB of text). Draw the chart afterwards:
#   /usr/bin/python3 tests/RecommenderService.Benchmarks/scale/chart.py CSV_FILE docs/benchmarks/scale.png
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

csv="${1:?usage: curve.sh CSV_FILE [ratings:users:items ...]}"
shift
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000000:10000:5000 10000000:120000:20000 25000000:160000:60000)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
csv="$(realpath -m "$csv")"
scratch="$(bench_scratch_dir recsys-scale)"
trap 'rm -rf "$scratch"' EXIT

echo "==> Building recsys (Release)"
dotnet build "$repo/src/RecommenderService.Cli" -c Release -o "$scratch/recsys" -v quiet -nologo >/dev/null
for size in "${sizes[@]}"; do
  IFS=: read -r ratings users items <<< "$size"
  file="$scratch/ratings-$ratings.tsv"
  echo "==> Generating $ratings ratings of $users users on $items items ($(uptime))"
  dotnet "$scratch/recsys/recsys.dll" generate --users "$users" --items "$items" --ratings "$ratings" --output "$file"
  label="$(python3 -c "r=$ratings; print(f'{r/1e6:g}M')")"
  "$here/end_to_end.sh" "$file" "$label" "$csv"
  rm -f "$file"
done
echo "==> $csv"
cat "$csv"
