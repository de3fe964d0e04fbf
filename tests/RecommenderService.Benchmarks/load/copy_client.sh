#!/usr/bin/env bash
# The impression writer's COPY client, before and after: the client's CPU time per impression row written with Npgsql's
# binary importer field by field, and with the batch encoded by ImpressionCopyRows and sent raw (load/copy-client). One
# throwaway PostgreSQL; the client's CPU time barely depends on what else runs, unlike the end-to-end figures of
# load/impressions.sh. Then the CPU time of the erased-user lookup's keyed hash per user id, with the key set up for
# every hash and with one reusable IdHasher.
#
#   tests/RecommenderService.Benchmarks/load/copy_client.sh [--lock FILE] [--scratch DIR] [rounds, default 4]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../bench_env.sh"
rounds="${1:-4}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(bench_scratch_dir copy-client)"
pg_bin="$(dirname "$(command -v initdb 2>/dev/null || printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$work"; as_pg=(runuser -u postgres --); fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
trap '"${as_pg[@]}" "$pg_bin/pg_ctl" stop -D "$work/data" -m fast -w >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nshared_buffers = 256MB\nmax_wal_size = 4GB\n" "$port" "$work" >> "$work/data/postgresql.conf"
"${as_pg[@]}" "$pg_bin/pg_ctl" start -D "$work/data" -l "$work/pg.log" -w >/dev/null
dotnet build "$here/copy-client" -c Release -o "$work/client" -v quiet -nologo >/dev/null
dotnet "$work/client/CopyClient.dll" "Host=127.0.0.1;Port=$port;Database=postgres;Username=postgres" "$rounds"
echo "load: $(uptime | sed 's/.*load average: //')"
