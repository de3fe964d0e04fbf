#!/usr/bin/env bash
# Ingest figures end to end: a throwaway PostgreSQL cluster on 127.0.0.1, the service built in Release and
# started against it (Kestrel, real HTTP), then ingest_load.py: the whole file through POST /ratings/import
# (CSV) and through POST /ratings/batch in batches of 10,000, each into emptied tables, medians of N runs.
#
#   tests/RecommenderService.Benchmarks/ingest/run.sh /work/shared/data/ml-100k/u.data [runs, default 5]
#
# Needs: dotnet, PostgreSQL server binaries (initdb/pg_ctl on PATH or /usr/lib/postgresql/*/bin), psql, python3.
# Everything lives in a temp folder that is removed at the end; nothing listens beyond 127.0.0.1.
set -euo pipefail

data="${1:?usage: run.sh <path to MovieLens u.data> [runs]}"
runs="${2:-5}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work="$(mktemp -d /tmp/recsys-ingest-bench-XXXXXX)"
pg_bin="$(dirname "$(command -v initdb 2>/dev/null || printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres: "$work"
  as_pg=(runuser -u postgres --)
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port="$(free_port)"
http_port="$(free_port)"
service_pid=""

cleanup() {
  [[ -n "$service_pid" ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  "${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$work/data" -m fast -w >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> PostgreSQL on 127.0.0.1:$pg_port ($pg_bin)"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
cat >> "$work/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work'
shared_buffers = 256MB
max_wal_size = 4GB
CONF
"${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$work/data" -l "$work/pg.log" -w >/dev/null
psql "postgresql://postgres@127.0.0.1:$pg_port/postgres" -q -c "CREATE DATABASE recommender"

echo "==> Building the service (Release)"
dotnet build "$repo/src/RecommenderService.Api" -c Release -o "$work/service" -v quiet -nologo >/dev/null

echo "==> Service on http://127.0.0.1:$http_port"
admin_key="bench-admin-$RANDOM$RANDOM"
(
  cd "$work/service"
  ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres" \
  Auth__AdminKeys__0="$admin_key" Auth__ClientKeys__0="bench-client-$RANDOM$RANDOM" \
  RateLimiting__Enabled=false ASPNETCORE_URLS="http://127.0.0.1:$http_port" ASPNETCORE_ENVIRONMENT=Production \
  Serilog__MinimumLevel__Default=Warning \
  exec dotnet RecommenderService.Api.dll >"$work/service.log" 2>&1
) &
service_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log"; exit 1; }
  sleep 0.5
done

echo "==> Load ($runs runs)"
python3 "$(dirname "${BASH_SOURCE[0]}")/ingest_load.py" "$data" "http://127.0.0.1:$http_port" "$admin_key" \
  "postgresql://postgres@127.0.0.1:$pg_port/recommender" --runs "$runs"
