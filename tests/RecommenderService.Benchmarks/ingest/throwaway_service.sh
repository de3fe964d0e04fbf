# Sourced by ingest/run.sh and load/run.sh: a throwaway PostgreSQL cluster on 127.0.0.1 and the service built
# in Release and started against it (Kestrel, real HTTP, Production settings, warnings-only logging, rate
# limiting off). Sets: work, pg_port, http_port, base_url, admin_key, client_key, psql_uri, service_pid;
# removes everything (cluster, build, logs) on exit. Nothing listens beyond 127.0.0.1.
#
#   start_throwaway_service <repo root>
#
# Needs: dotnet, PostgreSQL server binaries (initdb/pg_ctl on PATH or /usr/lib/postgresql/*/bin), psql, python3, curl.

start_throwaway_service() {
  local repo="$1"
  work="$(mktemp -d "${BENCH_SCRATCH:-${TMPDIR:-/tmp}}/recsys-bench-XXXXXX")"
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
  base_url="http://127.0.0.1:$http_port"
  psql_uri="postgresql://postgres@127.0.0.1:$pg_port/recommender"
  service_pid=""
  trap stop_throwaway_service EXIT

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

  echo "==> Service on $base_url (Production, Serilog warnings only, RateLimiting__Enabled=false)"
  admin_key="bench-admin-$RANDOM$RANDOM$RANDOM$RANDOM"
  client_key="bench-client-$RANDOM$RANDOM$RANDOM$RANDOM"
  (
    cd "$work/service"
    ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres" \
    Auth__AdminKeys__0="$admin_key" Auth__ClientKeys__0="$client_key" \
    RateLimiting__Enabled=false ASPNETCORE_URLS="$base_url" ASPNETCORE_ENVIRONMENT=Production \
    Serilog__MinimumLevel__Default=Warning \
    exec dotnet RecommenderService.Api.dll >"$work/service.log" 2>&1
  ) &
  service_pid=$!
  for _ in $(seq 1 120); do
    curl -fsS "$base_url/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log"; exit 1; }
    sleep 0.5
  done
  echo "the service did not become ready; its log:" >&2
  tail -n 50 "$work/service.log" >&2
  exit 1
}

stop_throwaway_service() {
  [[ -n "${service_pid:-}" ]] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  "${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$work/data" -m fast -w >/dev/null 2>&1 || true
  rm -rf "$work"
}
