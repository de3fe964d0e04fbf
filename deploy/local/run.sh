#!/usr/bin/env bash
# Runs the recommender service on this machine without Docker: a private PostgreSQL cluster under
# <repo>/.local/pg (created once, reused), demo API keys in .local/keys.env, and the host via dotnet run.
# Ctrl-C stops the service and the cluster.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: deploy/local/run.sh [--demo] [--help]

Starts a local PostgreSQL cluster (kept in .local/pg, port $PGPORT, default 5433) and the recommender
service on http://localhost:5080, then waits until Ctrl-C, which stops both.

  --demo   also generate a synthetic data set (2,000 users, 1,000 items, 100,000 ratings) with the CLI,
           import it through POST /api/v1/ratings/import, give the items made-up titles, genres and
           years (recsys catalogue, PUT /api/v1/items/{id}) and start a retrain.
  --help   this text.

Environment:
  PGPORT          port of the local cluster (default 5433, listens on 127.0.0.1 only)
  HTTP_PORT       port of the service (default 5080)
  READY_TIMEOUT   seconds to wait for /health/ready, build included (default 300)

State (git-ignored): .local/pg (cluster and its log), .local/keys.env (API keys, created once),
.local/service.log (service output), .local/demo.tsv, .local/demo.csv and .local/catalogue.tsv (--demo data).
Delete .local/ to start from scratch.
EOF
}

demo=0
for arg in "$@"; do
  case "$arg" in
    --demo) demo=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$repo/.local"
cluster="$state/pg"
data="$cluster/data"
pg_log="$cluster/server.log"
service_log="$state/service.log"
pg_port="${PGPORT:-5433}"
http_port="${HTTP_PORT:-5080}"
ready_timeout="${READY_TIMEOUT:-300}"
base_url="http://localhost:$http_port"
is_root=0
[[ $(id -u) -eq 0 ]] && is_root=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites

find_pg_bin() {
  local initdb
  # resolved, since PATH may hold symlinks to a few of the programs only (psql is needed too)
  if initdb="$(command -v initdb 2>/dev/null)" && initdb="$(readlink -f "$initdb")" &&
    [[ -x "$(dirname "$initdb")/pg_ctl" ]]; then
    dirname "$initdb"
    return 0
  fi
  local dir
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
    echo "$dir"
    return 0
  fi
  return 1
}

if ! pg_bin="$(find_pg_bin)"; then
  if [[ $is_root -eq 1 ]]; then
    say "PostgreSQL server binaries not found; installing them (apt-get install postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y postgresql
    pg_bin="$(find_pg_bin)" || fail "apt-get installed postgresql but initdb is still not found"
  else
    fail "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin.
Install them, e.g. on Debian/Ubuntu:   sudo apt-get install postgresql
(only the binaries are used; this script starts its own cluster in .local/pg)"
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  fail "the .NET SDK (dotnet) is not installed. Install the .NET 10 SDK, e.g.:
  Debian 12:  wget https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb
              sudo dpkg -i packages-microsoft-prod.deb && sudo apt-get update && sudo apt-get install -y dotnet-sdk-10.0
  any Linux:  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0   (then add ~/.dotnet to PATH)
  see https://dotnet.microsoft.com/download/dotnet/10.0"
fi

if ! command -v curl >/dev/null 2>&1; then
  if [[ $is_root -eq 1 ]]; then
    say "curl not found; installing it"
    DEBIAN_FRONTEND=noninteractive apt-get install -y curl || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y curl; }
  else
    fail "curl is needed to wait for the service: sudo apt-get install curl"
  fi
fi

# The HNSW index of large catalogues (USearch's native library) links OpenMP's runtime.
if ! ldconfig -p 2>/dev/null | grep -q 'libgomp\.so\.1'; then
  if [[ $is_root -eq 1 ]]; then
    say "libgomp.so.1 not found; installing libgomp1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y libgomp1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y libgomp1; }
  else
    fail "libgomp.so.1 is needed by the item index of large catalogues: sudo apt-get install libgomp1"
  fi
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# As root, initdb and postgres refuse to run, so the cluster belongs to the postgres system user.
as_cluster_owner() {
  if [[ $is_root -eq 1 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# ---------------------------------------------------------------- clean shutdown

service_pid=""
tail_pid=""
cluster_started=0
cleaned=0

# shellcheck disable=SC2317 # invoked through trap
cleanup() {
  local code=$?
  [[ $cleaned -eq 1 ]] && return
  cleaned=1
  trap - INT TERM EXIT
  if [[ -n "$tail_pid" ]]; then
    kill "$tail_pid" 2>/dev/null || true
  fi
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    say "Stopping the service"
    # dotnet run and the host it started share a process group of their own (setsid below).
    kill -TERM -- "-$service_pid" 2>/dev/null || kill -TERM "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do
      kill -0 "$service_pid" 2>/dev/null || break
      sleep 1
    done
    kill -KILL -- "-$service_pid" 2>/dev/null || true
  fi
  if [[ $cluster_started -eq 1 ]]; then
    say "Stopping PostgreSQL"
    as_cluster_owner "$pg_bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null || true
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- PostgreSQL

mkdir -p "$state"
if [[ ! -d "$cluster" ]]; then
  mkdir -m 700 "$cluster"
  if [[ $is_root -eq 1 ]]; then
    id -u postgres >/dev/null 2>&1 ||
      useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres: "$cluster"
  fi
fi
if [[ $is_root -eq 1 ]] && ! runuser -u postgres -- test -w "$cluster"; then
  fail "the postgres user cannot write $cluster (is a parent folder of the repository private, like /root?).
Clone the repository somewhere the postgres user can reach, or run this script as a normal user."
fi

if [[ ! -f "$data/PG_VERSION" ]]; then
  say "Creating the local PostgreSQL cluster in $data (once)"
  as_cluster_owner "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
  # listen on loopback only; the unix socket stays in the cluster folder, away from /var/run/postgresql
  as_cluster_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# local development cluster of deploy/local/run.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$cluster'
max_connections = 200
EOF
fi

if as_cluster_owner "$pg_bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
  # Left running by a run that was killed: adopt it, on whatever port it listens.
  pg_port="$(sed -n 4p "$data/postmaster.pid")"
  say "Reusing the PostgreSQL cluster already running on 127.0.0.1:$pg_port"
else
  port_in_use "$pg_port" && fail "port $pg_port on 127.0.0.1 is taken by another program; choose another with PGPORT=..."
  say "Starting PostgreSQL on 127.0.0.1:$pg_port"
  if ! as_cluster_owner "$pg_bin/pg_ctl" start -D "$data" -l "$pg_log" -w -t 60 -o "-p $pg_port" >/dev/null; then
    echo "--- last lines of $pg_log ---" >&2
    tail -n 30 "$pg_log" >&2 || true
    fail "PostgreSQL did not start"
  fi
fi
cluster_started=1

psql="$pg_bin/psql"
[[ -x "$psql" ]] || psql="$(command -v psql)" || fail "psql not found (Debian/Ubuntu: apt-get install postgresql-client)"
psql_admin() { "$psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = 'recommender'")" != "1" ]]; then
  say "Creating database 'recommender'"
  psql_admin -c 'CREATE DATABASE recommender'
fi

# ---------------------------------------------------------------- keys

keys="$state/keys.env"
if [[ ! -f "$keys" ]]; then
  random_hex() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
  (umask 077 && printf 'CLIENT_KEY=client-%s\nADMIN_KEY=admin-%s\n' "$(random_hex)" "$(random_hex)" >"$keys")
  say "Generated demo API keys in $keys"
fi
# The key of the user-id hashes kept after an erasure and written to logs; added to key files made before it existed.
if ! grep -q '^ID_HASH_KEY=' "$keys"; then
  (umask 077 && printf 'ID_HASH_KEY=%s%s\n' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >>"$keys")
fi
# shellcheck source=/dev/null
source "$keys"

# ---------------------------------------------------------------- the service

port_in_use "$http_port" && fail "port $http_port is already taken (another run of the service?); stop it or set HTTP_PORT=..."

say "Building and starting the service (dotnet run -c Release); output in $service_log"
cd "$repo"
# setsid: the service gets a process group of its own, so Ctrl-C reaches this script only and the
# service is stopped in order (service first, then the database it uses).
ASPNETCORE_URLS="$base_url" \
  ASPNETCORE_ENVIRONMENT=Development \
  ConnectionStrings__Recommender="Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres" \
  Auth__ClientKeys__0="$CLIENT_KEY" \
  Auth__AdminKeys__0="$ADMIN_KEY" \
  Privacy__IdHashKey="$ID_HASH_KEY" \
  setsid dotnet run --project src/RecommenderService.Api -c Release --no-launch-profile >"$service_log" 2>&1 &
service_pid=$!

deadline=$((SECONDS + ready_timeout))
ready_status=""
while :; do
  if ! kill -0 "$service_pid" 2>/dev/null; then
    echo "--- last lines of $service_log ---" >&2
    tail -n 40 "$service_log" >&2
    service_pid=""
    fail "the service exited before it was ready"
  fi
  ready_status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base_url/health/ready" || true)"
  [[ "$ready_status" == 200 || "$ready_status" == 404 ]] && break
  if ((SECONDS >= deadline)); then
    echo "--- last lines of $service_log ---" >&2
    tail -n 40 "$service_log" >&2
    fail "the service was not ready within $ready_timeout s (last /health/ready status: ${ready_status:-no answer})"
  fi
  sleep 1
done
if [[ "$ready_status" == 404 ]]; then
  say "The service answers, but /health/ready is not there yet (404); carrying on"
fi

cat <<EOF

  Recommender service is running: $base_url
  Swagger UI:  $base_url/swagger   (Authorize with the X-Api-Key below)
  Dashboard:   $base_url/dashboard   (sign in with the admin key below)
  Client key:  $CLIENT_KEY
  Admin key:   $ADMIN_KEY
  Database:    Host=127.0.0.1;Port=$pg_port;Database=recommender;Username=postgres
  Logs:        $service_log

  Try:
    curl -X PUT -H 'X-Api-Key: $CLIENT_KEY' -H 'Content-Type: application/json' \\
         -d '{"rating": 4.5}' $base_url/api/v1/users/alice/ratings/item-42
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/users/alice/recommendations?count=5'

EOF

# ---------------------------------------------------------------- --demo

# POSTs with the admin key; prints the HTTP status, leaves the body in $state/response.json.
admin_post() {
  local path="$1"
  shift
  curl -s -o "$state/response.json" -w '%{http_code}' -X POST -H "X-Api-Key: $ADMIN_KEY" "$@" "$base_url$path" || echo 000
}

run_demo() {
  local tsv="$state/demo.tsv" csv="$state/demo.csv" status marker="$cluster/demo.imported"
  if [[ ! -s "$tsv" ]]; then
    say "Generating the demo data set with the CLI (2,000 users, 1,000 items, 100,000 ratings)"
    if ! dotnet run --project src/RecommenderService.Cli -c Release -- \
        generate --users 2000 --items 1000 --ratings 100000 --output "$tsv" --seed 7; then
      rm -f "$tsv"
      say "The CLI could not generate the data set (see above); the service keeps running without demo data"
      return 0
    fi
  fi
  awk -F '\t' 'BEGIN { OFS = ","; print "userId,itemId,rating,timestamp" } NF >= 3 { print $1, $2, $3, $4 }' "$tsv" >"$csv"

  if [[ -f "$marker" ]]; then
    say "Demo data already imported into this cluster (delete $marker to import it again)"
  else
    say "Importing $(($(wc -l <"$csv") - 1)) ratings: POST /api/v1/ratings/import"
    status="$(admin_post /api/v1/ratings/import -H 'Content-Type: text/csv' --data-binary "@$csv")"
    case "$status" in
      2??) touch "$marker"; echo "    $(cat "$state/response.json")" ;;
      404) say "POST /api/v1/ratings/import answers 404: the import endpoint is not built yet. The service keeps running." ;;
      *) say "Import failed with HTTP $status: $(cat "$state/response.json")" ;;
    esac
  fi

  load_catalogue

  say "Starting a retrain: POST /api/v1/model/retrain"
  status="$(admin_post /api/v1/model/retrain)"
  case "$status" in
    202 | 200)
      local job
      job="$(sed -n 's/.*"jobId" *: *"\{0,1\}\([^",}]*\).*/\1/p' "$state/response.json")"
      echo "    $(cat "$state/response.json")"
      [[ -n "$job" ]] && wait_for_job "$job"
      ;;
    404) say "POST /api/v1/model/retrain answers 404: the model endpoints are not built yet. The service keeps running." ;;
    *) say "Retrain request failed with HTTP $status: $(cat "$state/response.json")" ;;
  esac

  local user item
  user="$(sed -n 2p "$csv" | cut -d, -f1)"
  item="$(sed -n 2p "$csv" | cut -d, -f2)"
  cat <<EOF

  Demo done (see above for what worked). Things to try (the admin key works everywhere, the client key for reads/writes):
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/users/$user/recommendations?count=5'
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/users/$user/predictions/$item'
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/items/$item/similar?count=5'
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/items/popular?count=5'
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/users/$user/recommendations?count=5&filter=genres:Sci-Fi&include=attributes'
    curl -H 'X-Api-Key: $CLIENT_KEY' '$base_url/api/v1/items/popular?count=5&filter=genres:Comedy'
    curl -H 'X-Api-Key: $ADMIN_KEY'  '$base_url/api/v1/model'
    curl -H 'X-Api-Key: $ADMIN_KEY'  '$base_url/api/v1/model/versions'
  Dashboard (sign in with the admin key): $base_url/dashboard
    models and training: $base_url/dashboard/model   user $user: $base_url/dashboard/users?user=$user
  Hangfire dashboard (admin key): $base_url/hangfire

EOF
}

# Made-up titles, genres and years for the generated items (recsys catalogue), stored with one PUT per
# item, all through one curl process (one connection). Skipped when this cluster already has them.
load_catalogue() {
  local catalogue="$state/catalogue.tsv" config="$state/catalogue.curl" marker="$cluster/catalogue.loaded" count
  if [[ -f "$marker" ]]; then
    say "Demo catalogue already loaded into this cluster (delete $marker to load it again)"
    return 0
  fi
  if [[ ! -s "$catalogue" ]] && ! dotnet run --project src/RecommenderService.Cli -c Release -- \
      catalogue --items 1000 --output "$catalogue" --seed 7 >/dev/null; then
    rm -f "$catalogue"
    say "The CLI could not generate the demo catalogue (see above); items keep their bare ids"
    return 0
  fi
  # curl config: one request block per item; the JSON body is quoted with \ and " escaped.
  awk -F '\t' -v base="$base_url" -v key="$ADMIN_KEY" 'NF == 2 {
      body = $2; gsub(/\\/, "\\\\", body); gsub(/"/, "\\\"", body)
      if (NR > 1) print "next"
      printf "url = \"%s/api/v1/items/%s\"\nrequest = \"PUT\"\nheader = \"X-Api-Key: %s\"\n", base, $1, key
      printf "header = \"Content-Type: application/json\"\ndata = \"%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", body
    }' "$catalogue" >"$config"
  count="$(wc -l <"$catalogue")"
  say "Giving $count items titles, genres and years: PUT /api/v1/items/{id}"
  local failed
  failed="$(curl -s -K "$config" | grep -cv '^20[01]$' || true)"
  rm -f "$config"
  if [[ "$failed" -eq 0 ]]; then
    touch "$marker"
    echo "    $count items catalogued, e.g. $(sed -n 1p "$catalogue" | cut -f2)"
  else
    say "$failed of $count item writes failed; lists show bare ids for those"
  fi
}

# Follows a training job until it ends (or for at most 10 minutes), one line per change of state.
wait_for_job() {
  local job="$1" last="" body state
  local until=$((SECONDS + 600))
  while ((SECONDS < until)); do
    body="$(curl -s -H "X-Api-Key: $ADMIN_KEY" "$base_url/api/v1/model/jobs/$job" || true)"
    state="$(sed -n 's/.*"state" *: *"\([a-z]*\)".*/\1/p' <<<"$body")"
    if [[ "$body" != "$last" ]]; then
      echo "    job $job: $body"
      last="$body"
    fi
    case "$state" in
      succeeded | failed) return 0 ;;
      "") return 0 ;; # endpoint missing or unexpected answer; already printed
    esac
    sleep 2
  done
  say "The training job is still running; follow it at $base_url/api/v1/model/jobs/$job"
}

if [[ $demo -eq 1 ]]; then
  run_demo
fi

say "Service running (PID $service_pid). Press Ctrl-C to stop the service and PostgreSQL. Log follows."
tail -n 0 -f "$service_log" &
tail_pid=$!
set +e
wait "$service_pid"
code=$?
set -e
service_pid=""
say "The service exited with code $code"
exit "$code"
