#!/usr/bin/env bash
# Resident memory of a running replica under maximum-size JSON batches: the replica's RSS at idle, after
# SEQUENTIAL batches one at a time, after ROUNDS of CONCURRENT batches at once, and 5 s and 30 s after the last.
# Each batch is 10,000 rows whose ids are 128 characters written as \u escapes (about 19 MB, near the limit).
#
#   tests/RecommenderService.Benchmarks/large-bodies/run.sh BASE_URL CLIENT_KEY PID [SEQUENTIAL] [CONCURRENT] [ROUNDS]
#   e.g. with deploy/local/run.sh running:
#   source .local/keys.env
#   tests/RecommenderService.Benchmarks/large-bodies/run.sh http://127.0.0.1:5080 "$CLIENT_KEY" \
#     "$(pgrep -f 'bin/Release/net10.0/RecommenderService.Api$')" 10 12 2
# Only against 127.0.0.1: it writes 10,000 users' ratings.
set -euo pipefail
base=${1:?base URL}; key=${2:?client key}; pid=${3:?service process id}
sequential=${4:-10}; concurrent=${5:-12}; rounds=${6:-2}
case "$base" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "only against 127.0.0.1" >&2; exit 1 ;; esac

body=$(mktemp); trap 'rm -f "$body"' EXIT
python3 - "$body" <<'PY'
import sys
def eid(prefix, n):
    s = f"{prefix}{n}"
    return s + "\\u00e9" * (128 - len(s))
stamp = "".join(f"\\u{ord(c):04x}" for c in "2024-01-01T00:00:00.0000000+00:00")
rows = [f'{{"userId":"{eid("u%d-" % (i % 500), i)}","itemId":"{eid("i", i % 700)}","rating":4.0000000000,'
        f'"timestamp":"{stamp}"}}' for i in range(10000)]
open(sys.argv[1], "w").write('{"ratings":[' + ", ".join(rows) + "]}")
PY
rss_mb() { echo $(( $(ps -o rss= -p "$pid") / 1024 )); }
post() { curl -s -o /dev/null -w '%{http_code}\n' -H "X-Api-Key: $key" -H 'Content-Type: application/json' \
           --data-binary @"$body" "$base/api/v1/ratings/batch"; }

echo "body: $(( $(stat -c %s "$body") / 1024 / 1024 )) MB; idle RSS $(rss_mb) MB"
codes=$(for _ in $(seq 1 "$sequential"); do post; done | sort | uniq -c | tr '\n' ' ')
echo "after $sequential one at a time: RSS $(rss_mb) MB (status counts: $codes)"
for round in $(seq 1 "$rounds"); do
  codes=$(for _ in $(seq 1 "$concurrent"); do post & done; wait)
  echo "after round $round of $concurrent at once: RSS $(rss_mb) MB (status counts: $(echo "$codes" | sort | uniq -c | tr '\n' ' '))"
done
sleep 5;  echo "5 s later: RSS $(rss_mb) MB"
sleep 25; echo "30 s later: RSS $(rss_mb) MB"
