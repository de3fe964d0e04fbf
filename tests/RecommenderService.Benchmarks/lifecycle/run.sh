#!/usr/bin/env bash
# Model-lifecycle figures end to end: two replicas of the service on one throwaway PostgreSQL,
# ratings loaded, then lifecycle.py retrains through replica A while wrk loads both replicas, and reports
# the retrain time by stage, each replica's peak memory, how long after the activation commit each
# replica serves the new version, and every failed request during the swap.
#
#   tests/RecommenderService.Benchmarks/lifecycle/run.sh [--lock FILE] [--scratch DIR] movielens path/to/ml-100k/u.data
#   tests/RecommenderService.Benchmarks/lifecycle/run.sh synthetic 10000000        # generated with recsys
#
# Needs: dotnet, PostgreSQL server binaries, psql, python3, wrk (apt-get install wrk). Everything lives in
# a folder under the scratch folder (../bench_env.sh), removed at the end; nothing listens beyond 127.0.0.1. Extra retrain parameters as JSON in
# RETRAIN_JSON (default '{}' = the service's defaults; e.g. '{"factors":64,"epochs":20}').
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"

kind="${1:?usage: run.sh movielens <u.data> | synthetic <ratings>}"
source_arg="${2:?usage: run.sh movielens <u.data> | synthetic <ratings>}"
retrain_json="${RETRAIN_JSON:-{\}}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
work="$(bench_scratch_dir recsys-lifecycle)"
pg_bin="$(dirname "$(command -v initdb 2>/dev/null || printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres: "$work"
  as_pg=(runuser -u postgres --)
fi
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port="$(free_port)"
port_a="$(free_port)"
port_b="$(free_port)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$work/data" -m fast -w >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
db="postgresql://postgres@127.0.0.1:$pg_port/recommender"

echo "==> PostgreSQL on 127.0.0.1:$pg_port"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
cat >> "$work/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$work'
shared_buffers = 512MB
max_wal_size = 8GB
CONF
"${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$work/data" -l "$work/pg.log" -w >/dev/null
psql "postgresql://postgres@127.0.0.1:$pg_port/postgres" -q -c "CREATE DATABASE recommender"

echo "==> Building the service and the CLI (Release)"
dotnet build "$repo/src/RecommenderService.Api" -c Release -o "$work/service" -v quiet -nologo >/dev/null
dotnet build "$repo/src/RecommenderService.Cli" -c Release -o "$work/cli" -v quiet -nologo >/dev/null

admin_key="bench-admin-$RANDOM$RANDOM$RANDOM"
client_key="bench-client-$RANDOM$RANDOM$RANDOM"
start_replica() { # name port
  (
    cd "$work/service"
    ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres;Maximum Pool Size=64" \
    Auth__AdminKeys__0="$admin_key" Auth__ClientKeys__0="$client_key" RateLimiting__Enabled=false \
    Training__Cron="0 0 1 1 *" ASPNETCORE_URLS="http://127.0.0.1:$2" ASPNETCORE_ENVIRONMENT=Production \
    exec dotnet RecommenderService.Api.dll >"$work/$1.log" 2>&1
  ) &
  pids+=($!)
  echo "$!" >"$work/$1.pid"
}
wait_ready() { # port
  for _ in $(seq 1 240); do curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "replica on $1 did not become ready" >&2; cat "$work"/*.log >&2; exit 1
}
echo "==> Replica A on :$port_a (migrates), then replica B on :$port_b"
start_replica a "$port_a"; wait_ready "$port_a"
start_replica b "$port_b"; wait_ready "$port_b"

echo "==> Loading ratings ($kind)"
case "$kind" in
  movielens) awk -F'\t' '{ printf "%s\t%s\t%s\t%s\n", $1, $2, $3, $4 }' "$source_arg" >"$work/ratings.tsv" ;;
  synthetic)
    users=$(( source_arg / 70 )); items=$(( source_arg / 400 + 1000 ))
    dotnet "$work/cli/recsys.dll" generate --users "$users" --items "$items" --ratings "$source_arg" --output "$work/ratings.tsv" --seed 7 ;;
  *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
# Set-up, not under measurement: straight into the tables with COPY.
psql "$db" -q -v ON_ERROR_STOP=1 <<SQL
CREATE UNLOGGED TABLE load (u text, i text, v real, t bigint);
\copy load FROM '$work/ratings.tsv'
INSERT INTO users (external_id, ratings_changed_at) SELECT DISTINCT u, now() - interval '1 day' FROM load;
INSERT INTO items (external_id) SELECT DISTINCT i FROM load;
INSERT INTO ratings (user_id, item_id, value, rated_at)
  SELECT us.id, it.id, l.v, to_timestamp(coalesce(l.t, 0)) FROM load l
  JOIN users us ON us.external_id = l.u JOIN items it ON it.external_id = l.i
  ON CONFLICT DO NOTHING;
DROP TABLE load;
ANALYZE;
SQL
psql "$db" -Atc "SELECT 'ratings loaded: ' || count(*) FROM ratings"

python3 "$here/lifecycle.py" --a "http://127.0.0.1:$port_a" --b "http://127.0.0.1:$port_b" \
  --admin-key "$admin_key" --client-key "$client_key" --database "$db" \
  --pids "$(cat "$work/a.pid"),$(cat "$work/b.pid")" --retrain "$retrain_json" --work "$work" --lua "$here/users.lua"
