#!/usr/bin/env python3
"""Bounded list-traffic client for catalogue/run.sh (see there to rerun).

Two phases of the same traffic against two replicas (alternating per request): GET
/api/v1/users/{random}/recommendations?count=10 (3 in 4) and GET /api/v1/items/popular?count=10 (1 in 4), from
THREADS threads with one keep-alive connection per replica each.
  baseline: PHASE_SECONDS of traffic, nothing written.
  churn:    the same; a third of the way in, the 100 items listed most often in the last minute are retired in one
            POST /api/v1/items/batch through replica A; two thirds in, they are brought back the same way.
Prints per phase: requests/s and p50/p99; for churn: responses started more than 1 s after the retirement was
acknowledged that still hold a retired item (there should be none), and how long after the restore each replica first listed a
restored item again.
"""
import http.client, json, os, random, sys, threading, time
from collections import Counter, deque

replicas = [u.split("//", 1)[1] for u in sys.argv[1:3]]
client_key = os.environ["CLIENT_KEY"]
users = int(os.environ.get("USERS", "943"))
threads = int(os.environ.get("THREADS", "8"))
seconds = float(os.environ.get("PHASE_SECONDS", "30"))
retire_count = int(os.environ.get("RETIRE", "100"))
headers = {"X-Api-Key": client_key, "Accept": "application/json"}

def run(phase):
    records = []  # (started, finished, replica, items)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    def worker(seed):
        rnd = random.Random(seed)
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
            if len(mine) >= 256:
                with lock: records.extend(mine)
                mine = []
        with lock: records.extend(mine)
    pool = [threading.Thread(target=worker, args=(s,)) for s in range(threads)]
    began = time.monotonic()
    for t in pool: t.start()
    events = {}
    if phase == "churn":
        def batch(available, ids):
            conn = http.client.HTTPConnection(replicas[0], timeout=30)
            conn.request("POST", "/api/v1/items/batch", json.dumps({"items": [{"itemId": i, "available": available} for i in ids]}),
                         {**headers, "Content-Type": "application/json"})
            resp = conn.getresponse(); resp.read()
            assert resp.status == 200, resp.status
            return time.monotonic()
        time.sleep(seconds / 3)
        with lock: recent = [r for r in records if r[0] > time.monotonic() - 60 and r[3]]
        counts = Counter(i for r in recent for i in r[3])
        retired = {i for i, _ in counts.most_common(retire_count)}
        events["retire_sent"] = time.monotonic(); events["retired"] = batch(False, retired)
        time.sleep(seconds / 3 - (time.monotonic() - events["retire_sent"]))
        events["restore_sent"] = time.monotonic(); events["restored"] = batch(True, retired)
        events["ids"] = retired
    for t in pool: t.join()
    elapsed = time.monotonic() - began
    lat = sorted((f - s) * 1000 for s, f, _, _ in records)
    errors = sum(1 for r in records if r[3] is None)
    line = (f"RESULT phase={phase} requests={len(records)} rps={len(records) / elapsed:.0f} p50_ms={lat[len(lat) // 2]:.2f} "
            f"p99_ms={lat[int(len(lat) * 0.99)]:.2f} errors={errors}")
    if phase == "churn":
        ids = events["ids"]
        window = [r for r in records if events["retired"] + 1 < r[0] < events["restore_sent"] and r[3]]
        stale = sum(1 for r in window if any(i in ids for i in r[3]))
        grace = sum(1 for r in records if events["retire_sent"] < r[0] <= events["retired"] + 1 and r[3] and any(i in ids for i in r[3]))
        back = []
        for rep in (0, 1):
            first = min((r[1] for r in records if r[2] == rep and r[0] > events["restored"] and r[3] and any(i in ids for i in r[3])), default=None)
            back.append("never" if first is None else f"{(first - events['restored']) * 1000:.0f}")
        line += (f" retired={len(ids)} retire_ack_ms={(events['retired'] - events['retire_sent']) * 1000:.0f} checked={len(window)} stale={stale}"
                 f" stale_within_1s={grace} back_ms_A={back[0]} back_ms_B={back[1]}")
    print(line, flush=True)

for phase in os.environ.get("PHASES", "baseline churn").split():
    run(phase)
