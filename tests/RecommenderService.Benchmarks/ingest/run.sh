#!/usr/bin/env bash
# Ingest figures end to end: a throwaway PostgreSQL cluster on 127.0.0.1, the service built in Release and
# started against it (Kestrel, real HTTP), then ingest_load.py: the whole file through POST /ratings/import
# (CSV) and through POST /ratings/batch in batches of 10,000, each into emptied tables, medians of N runs.
#
#   tests/RecommenderService.Benchmarks/ingest/run.sh [--lock FILE] [--scratch DIR] path/to/ml-100k/u.data [runs, default 5]
#
# Needs: dotnet, PostgreSQL server binaries (initdb/pg_ctl on PATH or /usr/lib/postgresql/*/bin), psql, python3.
# Everything lives in a folder under the scratch folder (--scratch, see ../bench_env.sh), removed at the end;
# nothing listens beyond 127.0.0.1. Other work on the machine moves the figures: `uptime` is printed before and after.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

data="${1:?usage: run.sh <path to MovieLens u.data> [runs]}"
runs="${2:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/throwaway_service.sh"
start_throwaway_service "$(cd "$here/../../.." && pwd)"

echo "==> Load ($runs runs); $(uptime)"
python3 "$here/ingest_load.py" "$data" "$base_url" "$admin_key" "$psql_uri" --runs "$runs"
echo "==> done; $(uptime)"
