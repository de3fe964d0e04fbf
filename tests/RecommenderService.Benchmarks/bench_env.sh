# Sourced by the heavy benchmark scripts before they read their own arguments. Leading options:
#   --lock FILE     run under an exclusive lock on FILE (flock), so heavy runs started on one machine wait for one
#                   another instead of measuring each other; default .local/bench.lock in the repository; `none` = no lock
#   --scratch DIR   where generated files, builds and throwaway clusters go, each in a folder of its own removed at
#                   the end; default $TMPDIR or /tmp (a throwaway cluster's folder must be reachable by the postgres
#                   user when run as root, which a folder inside a home directory may not be)
# BENCH_LOCK and BENCH_SCRATCH set the same from the environment. A script started by one that already holds the
# lock does not wait for it again.
bench_repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench_lock="${BENCH_LOCK:-$bench_repo/.local/bench.lock}"
bench_scratch="${BENCH_SCRATCH:-${TMPDIR:-/tmp}}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --lock) bench_lock="${2:?--lock needs a file (or none)}"; shift 2 ;;
    --scratch) bench_scratch="${2:?--scratch needs a folder}"; shift 2 ;;
    *) break ;;
  esac
done
mkdir -p "$bench_scratch"
bench_scratch="$(cd "$bench_scratch" && pwd)"
export BENCH_SCRATCH="$bench_scratch"
if [[ $bench_lock != none && ${BENCH_LOCK_HELD:-} != "$bench_lock" ]]; then
  mkdir -p "$(dirname "$bench_lock")"
  exec 9>>"$bench_lock"
  if ! flock -n 9; then
    echo "==> waiting for the benchmark lock $bench_lock" >&2
    flock 9
  fi
  export BENCH_LOCK="$bench_lock" BENCH_LOCK_HELD="$bench_lock"
fi

# A fresh folder under the scratch folder: bench_scratch_dir NAME
bench_scratch_dir() { mktemp -d "$bench_scratch/$1-XXXXXX"; }
