#!/usr/bin/env python3
"""Bounded list-traffic client for catalogue/run.sh (see there to rerun).

Two kinds of phase of the same traffic against two replicas (alternating per request): GET
/api/v1/users/{random}/recommendations?count=10 (3 in 4) and GET /api/v1/items/popular?count=10 (1 in 4), from
THREADS threads with one keep-alive connection per replica each.
  baseline: PHASE_SECONDS of traffic, nothing written.
  churn:    the same; a third of the way in, the 100 items listed most often in the last minute are retired in one
            POST /api/v1/items/batch through replica A; two thirds in, they are brought back the same way.
ROUNDS rounds of one phase of each kind, in alternating order (baseline then churn, churn then baseline, ...), so
that load from elsewhere on the machine falls on both kinds alike.
Prints a RESULT line per phase: requests/s and p50/p99; for churn: responses started more than 1 s after the
retirement was acknowledged that still hold a retired item (there should be none), and how long after the restore
each replica first listed a restored item again. Then a SUMMARY: per kind the median and range of req/s and p99, the
per-round ratios churn / baseline (median and range), the stale responses of every round, the slowest return.
"""
import http.client, json, os, random, statistics, sys, threading, time
from collections import Counter

replicas = [u.split("//", 1)[1] for u in sys.argv[1:3]]
client_key = os.environ["CLIENT_KEY"]
users = int(os.environ.get("USERS", "943"))
threads = int(os.environ.get("THREADS", "8"))
seconds = float(os.environ.get("PHASE_SECONDS", "30"))
rounds = int(os.environ.get("ROUNDS", "1"))
retire_count = int(os.environ.get("RETIRE", "100"))
headers = {"X-Api-Key": client_key, "Accept": "application/json"}
# Per worker, second -> Counter of the items listed in it: counted as the lists arrive, in both kinds of phase alike,
# so that picking "the items most often listed in the last minute" costs the client no pause in the churn phase only.
listed = []

def run(phase, seed):
    records = []  # (started, finished, replica, items)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    def worker(seed):
        rnd = random.Random(seed)
        seconds_listed = {}
        listed.append(seconds_listed)
        conns = [http.client.HTTPConnection(h, timeout=10) for h in replicas]
        mine = []
        k = seed
        while time.monotonic() < stop:
            k += 1
            r = k % 2
            path = "/api/v1/items/popular?count=10" if rnd.random() < 0.25 else f"/api/v1/users/{rnd.randint(1, users)}/recommendations?count=10"
            started = time.monotonic()
            conns[r].request("GET", path, headers=headers)
            resp = conns[r].getresponse()
            body = resp.read()
            finished = time.monotonic()
            items = [i["itemId"] for i in json.loads(body)["items"]] if resp.status == 200 else None
            mine.append((started, finished, r, items))
            if items:
                second = int(started)
                if second not in seconds_listed: seconds_listed[second] = Counter()
                seconds_listed[second].update(items)
            if len(mine) >= 256:
                with lock: records.extend(mine)
                mine = []
        with lock: records.extend(mine)
    pool = [threading.Thread(target=worker, args=(seed + s,)) for s in range(threads)]
    began = time.monotonic()
    for t in pool: t.start()
    events = {}
    def most_listed():
        since = int(time.monotonic()) - 60
        counts = Counter()
        for per_worker in list(listed):
            for second, counter in list(per_worker.items()):
                if second >= since: counts.update(dict(counter))
        return {i for i, _ in counts.most_common(retire_count)}
    def batch(available, ids):
        conn = http.client.HTTPConnection(replicas[0], timeout=30)
        conn.request("POST", "/api/v1/items/batch", json.dumps({"items": [{"itemId": i, "available": available} for i in ids]}),
                     {**headers, "Content-Type": "application/json"})
        resp = conn.getresponse(); resp.read()
        assert resp.status == 200, resp.status
        return time.monotonic()
    time.sleep(seconds / 3)
    # The baseline picks the items too (the same client work), and writes nothing.
    retired = most_listed()
    if phase == "churn":
        events["retire_sent"] = time.monotonic(); events["retired"] = batch(False, retired)
        time.sleep(max(0.0, seconds / 3 - (time.monotonic() - events["retire_sent"])))
        events["restore_sent"] = time.monotonic(); events["restored"] = batch(True, retired)
        events["ids"] = retired
    for t in pool: t.join()
    elapsed = time.monotonic() - began
    lat = sorted((f - s) * 1000 for s, f, _, _ in records)
    result = {"phase": phase, "requests": len(records), "rps": len(records) / elapsed,
              "p50_ms": lat[len(lat) // 2], "p99_ms": lat[int(len(lat) * 0.99)], "errors": sum(1 for r in records if r[3] is None)}
    if phase == "churn":
        ids = events["ids"]
        window = [r for r in records if events["retired"] + 1 < r[0] < events["restore_sent"] and r[3]]
        back = []
        for rep in (0, 1):
            first = min((r[1] for r in records if r[2] == rep and r[0] > events["restored"] and r[3] and any(i in ids for i in r[3])), default=None)
            back.append(None if first is None else (first - events["restored"]) * 1000)
        # Where the time goes: requests started in the 2 s after either write was sent, against the rest.
        near = sorted((f - s) * 1000 for s, f, _, _ in records
                      if events["retire_sent"] <= s < events["retire_sent"] + 2 or events["restore_sent"] <= s < events["restore_sent"] + 2)
        rest = sorted((f - s) * 1000 for s, f, _, _ in records
                      if not (events["retire_sent"] <= s < events["retire_sent"] + 2 or events["restore_sent"] <= s < events["restore_sent"] + 2))
        result.update(retired=len(ids), retire_ack_ms=(events["retired"] - events["retire_sent"]) * 1000, checked=len(window),
                      stale=sum(1 for r in window if any(i in ids for i in r[3])),
                      stale_within_1s=sum(1 for r in records if events["retire_sent"] < r[0] <= events["retired"] + 1 and r[3] and any(i in ids for i in r[3])),
                      back_ms_A=back[0], back_ms_B=back[1],
                      p99_ms_2s_after_writes=near[int(len(near) * 0.99)], p99_ms_rest=rest[int(len(rest) * 0.99)])
    return result

def show(value):
    if value is None: return "never"
    return f"{value:.2f}" if isinstance(value, float) else str(value)

def spread(values, digits):
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"

results = []
for n in range(1, rounds + 1):
    for phase in (("baseline", "churn") if n % 2 else ("churn", "baseline")):
        result = run(phase, 1000 * n)  # both kinds of a round send the same requests
        results.append((n, result))
        print(f"RESULT round={n} " + " ".join(f"{k}={show(v)}" for k, v in result.items()), flush=True)

if rounds > 1:
    by = {kind: {n: r for n, r in results if r["phase"] == kind} for kind in ("baseline", "churn")}
    for kind, runs in by.items():
        print(f"SUMMARY phase={kind} rounds={len(runs)} rps={spread([r['rps'] for r in runs.values()], 0)} "
              f"p99_ms={spread([r['p99_ms'] for r in runs.values()], 1)} p50_ms={spread([r['p50_ms'] for r in runs.values()], 2)} "
              f"errors={sum(r['errors'] for r in runs.values())}", flush=True)
    churn = by["churn"].values()
    backs = [b for r in churn for b in (r["back_ms_A"], r["back_ms_B"])]
    print(f"SUMMARY churn/baseline per round: rps={spread([by['churn'][n]['rps'] / by['baseline'][n]['rps'] for n in by['churn']], 3)} "
          f"p99={spread([by['churn'][n]['p99_ms'] / by['baseline'][n]['p99_ms'] for n in by['churn']], 3)} "
          f"stale={sum(r['stale'] for r in churn)} checked={sum(r['checked'] for r in churn)} "
          f"back_ms_max={'never' if None in backs else f'{max(backs):.0f}'}", flush=True)
