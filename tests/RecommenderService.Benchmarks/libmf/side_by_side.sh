#!/usr/bin/env bash
# Rating head against LIBMF, side by side in one run on the same machine: generated data
# (120,000 users, 20,000 items, 9.44M ratings, a seeded 90/10 split: ~8.5M train / ~0.94M test), each
# configuration run REPEATS times, interleaved (LIBMF, then each recsys configuration, round after round) so
# load changes hit all alike. Prints every run and then the median wall time, peak RSS and test RMSE per
# configuration, and each one's time and memory relative to LIBMF.
#
#   tests/RecommenderService.Benchmarks/libmf/side_by_side.sh [--lock FILE] [--scratch DIR] /path/to/libmf [REPEATS] [-- 'name|recsys train flags' ...]
#
# LIBMF: build it from its public sources in a scratch folder outside the repository (never commit it), e.g.
# `make` in a clone of LIBMF; the folder must hold `mf-train`. Its run: mf-train -f 0 -k 64 -t 20 -r 0.1
# -l2 0.05 -s 2 -p test train (20 iterations, k = 64, 2 threads), test RMSE from its own -p report.
# recsys runs are `recsys train --ratings train --test test --output model <flags>` on a Release build; the
# default configurations are below (override with '--' and 'name|flags' pairs). Wall time and peak RSS are
# /usr/bin/time's, for the whole process (reading the text file included, for both).
# USERS, ITEMS and RATINGS override the data's size (a quick check: RATINGS=200000 USERS=4000 ITEMS=1000).
# Needs ~1.5 GB in the scratch folder (../bench_env.sh). Other work on the machine moves the figures: the uptime is
# printed before and after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

[[ $# -ge 1 ]] || { echo "usage: side_by_side.sh [--lock FILE] [--scratch DIR] LIBMF_DIR [REPEATS] [-- 'name|flags' ...]" >&2; exit 2; }
libmf="$(cd "$1" && pwd)"; shift
repeats=3
if [[ $# -gt 0 && $1 != -- ]]; then repeats=$1; shift; fi
configs=(
  "adaptive-20|--factors 64 --epochs 20 --steps adaptive --mean learned --learning-rate 0.1 --regularization 0.05 --threads 2 --no-ranking"
  "fixed-20|--factors 64 --epochs 20 --threads 2 --no-ranking"
  "defaults|--threads 2"
)
if [[ $# -gt 0 && $1 == -- ]]; then shift; configs=("$@"); fi
[[ -x $libmf/mf-train ]] || { echo "no mf-train in $libmf" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="$(bench_scratch_dir side-by-side)"
trap 'rm -rf "$work"' EXIT
dotnet build "$repo/src/RecommenderService.Cli" -c Release -o "$work/recsys" -v quiet -nologo >/dev/null
recsys=(dotnet "$work/recsys/recsys.dll")

users=${USERS:-120000}; items=${ITEMS:-20000}; ratings=${RATINGS:-9440000}
echo "==> Generating $ratings ratings ($users users, $items items) and a seeded 90/10 split"
"${recsys[@]}" generate --users "$users" --items "$items" --ratings "$ratings" --output "$work/all.tsv" >/dev/null
awk -v tr="$work/train.tsv" -v te="$work/test.tsv" 'BEGIN { srand(13) } { print > (rand() < 0.1 ? te : tr) }' "$work/all.tsv"
rm "$work/all.tsv"
awk '{ print $1, $2, $3 }' "$work/train.tsv" > "$work/train.txt"
awk '{ print $1, $2, $3 }' "$work/test.tsv" > "$work/test.txt"
echo "    train $(wc -l < "$work/train.tsv") ratings, test $(wc -l < "$work/test.tsv") ratings; $(uptime)"

results="$work/results.tsv"
run() { # name, command...: appends name, wall seconds, peak KiB, test RMSE
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  local rmse
  rmse=$(awk '/test RMSE/ { v = $NF } /^Test / { sub(",", "", $6); v = $6 } END { print v }' "$work/out")
  if [[ -z $rmse ]]; then # LIBMF's own table: the va_rmse column of the last iteration
    rmse=$(awk 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == "va_rmse") col = c } col && $1 ~ /^[0-9]+$/ { v = $col } END { print v }' "$work/out")
  fi
  read -r wall kib < "$work/time"
  printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$kib" "$rmse" | tee -a "$results"
}

printf 'config\twall_s\tpeak_kib\ttest_rmse\n'
for ((round = 1; round <= repeats; round++)); do
  run libmf "$libmf/mf-train" -f 0 -k 64 -t 20 -r 0.1 -l2 0.05 -s 2 -p "$work/test.txt" "$work/train.txt"
  for config in "${configs[@]}"; do
    name=${config%%|*}; flags=${config#*|}
    # shellcheck disable=SC2086 # flags are words
    run "$name" "${recsys[@]}" train --ratings "$work/train.tsv" --test "$work/test.tsv" --output "$work/model.bin" $flags
  done
done

echo "==> Medians over $repeats rounds; $(uptime)"
sort -t $'\t' -k1,1 -k2,2n "$results" | awk -F '\t' '
  { name[NR] = $1; wall[$1, ++n[$1]] = $2; kib[$1, n[$1]] = $3; rmse[$1, n[$1]] = $4; if (!($1 in seen)) { seen[$1]; order[++names] = $1 } }
  function median(arr, key, count,   i, v, tmp, j, t) {
    for (i = 1; i <= count; i++) v[i] = arr[key, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
  }
  END {
    lw = median(wall, "libmf", n["libmf"]); lk = median(kib, "libmf", n["libmf"])
    printf "%-14s %9s %9s %10s %9s %9s\n", "config", "wall s", "peak MiB", "test RMSE", "x LIBMF", "mem x"
    for (i = 1; i <= names; i++) {
      c = order[i]; w = median(wall, c, n[c]); k = median(kib, c, n[c]); r = median(rmse, c, n[c])
      printf "%-14s %9.2f %9.0f %10.4f %9.2f %9.2f\n", c, w, k / 1024, r, w / lw, k / lk
    }
  }'
