#!/usr/bin/env python3
"""Ingest figures against a running service: CSV import and JSON batches of a MovieLens u.data file.

Usage: ingest_load.py <u.data> <base-url> <admin-key> <psql-connection-uri> [--runs N]

One warm-up run (import and batches, not counted) goes first, so the figures are those of a warm service
(JIT tiering done, connection pool open) rather than of its first requests.

Each run starts from empty tables (TRUNCATE users, items, ratings through psql), then
  import: POST /api/v1/ratings/import with the whole file as text/csv (userId,itemId,rating,unixtime)
  batch:  POST /api/v1/ratings/batch in batches of 10,000, one after the other, ISO timestamps
and prints ratings/s for each; the median over the runs is printed last. Python standard library only.
"""
import datetime
import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse


def read_ratings(path):
    rows = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                rows.append(parts[:4])
    return rows


def truncate(psql_uri):
    subprocess.run(["psql", psql_uri, "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    "TRUNCATE ratings, users, items RESTART IDENTITY CASCADE", "-c", "VACUUM ANALYZE"],
                   check=True, stdout=subprocess.DEVNULL)


def count(psql_uri):
    out = subprocess.run(["psql", psql_uri, "-At", "-c", "SELECT count(*) FROM ratings"],
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip())


def post(conn, path, body, content_type, key):
    conn.request("POST", path, body=body, headers={"Content-Type": content_type, "X-Api-Key": key})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}: {data[:500]!r}")
    return json.loads(data)


def main():
    args = sys.argv[1:]
    runs = 5
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 4:
        raise SystemExit(__doc__)
    data_path, base_url, key, psql_uri = args
    url = urllib.parse.urlparse(base_url)

    rows = read_ratings(data_path)
    n = len(rows)
    csv = "".join(f"{u},{i},{r},{t}\n" for u, i, r, t in rows).encode()
    batches = []
    for start in range(0, n, 10_000):
        chunk = rows[start:start + 10_000]
        batches.append(json.dumps({"ratings": [
            {"userId": u, "itemId": i, "rating": float(r),
             "timestamp": datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
            for u, i, r, t in chunk]}).encode())
    print(f"{n} ratings from {data_path}; CSV {len(csv) / 1e6:.1f} MB; {len(batches)} JSON batches "
          f"({sum(map(len, batches)) / 1e6:.1f} MB)")

    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    import_rates, batch_rates = [], []
    for run in range(0, runs + 1):
        truncate(psql_uri)
        started = time.perf_counter()
        answer = post(conn, "/api/v1/ratings/import", csv, "text/csv", key)
        seconds = time.perf_counter() - started
        assert answer["imported"] == n and count(psql_uri) == n, (answer, n)
        import_rates.append(n / seconds)

        truncate(psql_uri)
        started = time.perf_counter()
        inserted = 0
        for body in batches:
            inserted += post(conn, "/api/v1/ratings/batch", body, "application/json", key)["inserted"]
        seconds_batch = time.perf_counter() - started
        assert inserted == n and count(psql_uri) == n, (inserted, n)
        if run == 0:
            print(f"warm-up: import {seconds:.3f} s, batch {seconds_batch:.3f} s (not counted)")
            import_rates.clear()
            continue
        batch_rates.append(n / seconds_batch)
        print(f"run {run}: import {seconds:.3f} s = {n / seconds:,.0f} ratings/s (server says {answer['seconds']} s); "
              f"batch {seconds_batch:.3f} s = {n / seconds_batch:,.0f} ratings/s")

    print(f"median over {runs} runs: import {statistics.median(import_rates):,.0f} ratings/s, "
          f"batch {statistics.median(batch_rates):,.0f} ratings/s")


if __name__ == "__main__":
    main()
