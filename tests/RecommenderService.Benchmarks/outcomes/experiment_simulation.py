"""The simulation behind experiment_simulation.sh: world, two versions, experiment, simulated users, figures."""
import http.client
import json
import random
import sys
import time
import urllib.parse

base_url, admin_key, client_key, work = sys.argv[1:5]
users, items, per_user, share = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8])
clusters = 10
check = max(100, users // 50)
host = urllib.parse.urlparse(base_url)
connection = http.client.HTTPConnection(host.hostname, host.port, timeout=600)


def call(method, path, key, body=None, content_type="application/json"):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    headers = {"X-Api-Key": key}
    if data is not None:
        headers["Content-Type"] = content_type
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read()
    if response.status >= 400:
        raise SystemExit(f"{method} {path}: {response.status} {text[:500]!r}")
    return json.loads(text) if text else None


def likes(user, item):
    return user % clusters == item % clusters


# The world: as the small test's clustered ratings, at size. Every tenth rating goes to the weak version's import.
world = random.Random(5)
rows = []
start = 1_704_067_200
for u in range(users):
    chosen = set()
    while len(chosen) < per_user:
        own = world.random() < 0.65
        item = (u % clusters) + clusters * world.randrange(items // clusters) if own else world.randrange(items)
        if item in chosen:
            continue
        chosen.add(item)
        value = min(5, max(1, round((4.3 if likes(u, item) else 2.2) + (world.random() - 0.5) * 1.6)))
        rows.append(f"user-{u},item-{item},{value},{start + world.randrange(90 * 86_400)}")
world.shuffle(rows)
tenth, rest = rows[::10], [r for i, r in enumerate(rows) if i % 10]
print(f"==> World: {users:,} users, {items:,} items, {clusters} taste clusters, {len(rows):,} ratings ({len(tenth):,} for the weak version)")


def retrain():
    # The settings that learn the clustered tastes (as the small test's), the ranking head off: lists by the rating head.
    settings = {"ranking": False, "factors": 8, "learningRate": 0.03, "initStdDev": 0.1, "epochs": 150}
    job = call("POST", "/api/v1/model/retrain", admin_key, settings)["jobId"]
    began = time.time()
    while True:
        state = call("GET", f"/api/v1/model/jobs/{job}", admin_key)
        if state["state"] in ("succeeded", "failed"):
            break
        time.sleep(2)
    if state["state"] != "succeeded":
        raise SystemExit(f"retrain {job}: {state}")
    versions = call("GET", "/api/v1/model/versions", admin_key)
    newest = max(versions, key=lambda v: v["version"])
    print(f"    version {newest['version']}: {newest['status']}, {time.time() - began:.0f} s, holdout RMSE {newest['metrics'].get('rmse')}, "
          f"liked precision@10 {newest['metrics'].get('likedPrecisionAt10')}")
    return newest["version"]


print("==> Weak version: import a tenth, retrain (ranking head off; k = 8, 150 epochs, learning rate 0.03, init 0.1)")
call("POST", "/api/v1/ratings/import", admin_key, "\n".join(tenth).encode(), "text/csv")
weak = retrain()
print("==> Strong version: import the rest, retrain")
call("POST", "/api/v1/ratings/import", admin_key, "\n".join(rest).encode(), "text/csv")
strong = retrain()
print(f"==> Activate the weak version {weak} again (control); try the strong version {strong} on a share of {share}")
call("POST", f"/api/v1/model/versions/{weak}/activate", admin_key)
experiment = call("POST", "/api/v1/model/experiments", admin_key, {"treatment": strong, "share": share})["id"]
time.sleep(2)  # every replica follows the experiment within a second

behaviour = random.Random(17)
visitors = list(range(users))
behaviour.shuffle(visitors)
first_named = None
began = time.time()


def figures():
    time.sleep(0.6)  # the writer gathers impressions for 250 ms before a COPY
    return call("GET", f"/api/v1/model/experiments/{experiment}", admin_key)["figures"]


for n, u in enumerate(visitors, 1):
    user = f"user-{u}"
    shown = call("GET", f"/api/v1/users/{user}/recommendations?count=10", client_key)
    rid = shown["recommendationId"]
    events = []
    for position, entry in enumerate(shown["items"]):
        item = int(entry["itemId"].split("-")[1])
        if behaviour.random() >= 0.8 ** position or not likes(u, item) or behaviour.random() >= 0.6:
            continue
        events.append({"userId": user, "itemId": entry["itemId"], "type": "click", "recommendationId": rid})
        if behaviour.random() < 0.5:
            call("PUT", f"/api/v1/users/{user}/ratings/{entry['itemId']}", client_key, {"rating": 5, "recommendationId": rid})
    if events:
        call("POST", "/api/v1/events", client_key, {"events": events})
    if (n % 20 == 0 and n <= 200) or n % check == 0 or n == users:
        f = figures()
        d = f["differences"]["clickThrough"]
        if first_named is None and f["better"] is not None:
            first_named = (n, f["better"], d)
        if n % (check * 10) == 0 or n == users:
            print(f"    {n:,} users: click-through difference {d['difference']:.4f} [{d['low']:.4f}, {d['high']:.4f}], better: {f['better']}")

f = figures()
print(f"==> {users:,} simulated users in {time.time() - began:.0f} s")
if first_named:
    n, better, d = first_named
    print(f"First named at {n:,} users (checked every 20 up to 200, then every {check}): better = {better}, click-through difference {d['difference']:.4f} [{d['low']:.4f}, {d['high']:.4f}]")
else:
    print("The interval never left out 0")
for arm in ("control", "treatment"):
    a = f[arm]
    print(f"{arm} (version {a['version']}): {a['impressions']:,} lists, click-through {a['clickThrough']['rate']:.4f} "
          f"[{a['clickThrough']['low']:.4f}, {a['clickThrough']['high']:.4f}], liked rating {a['likedRating']['rate']:.4f} "
          f"[{a['likedRating']['low']:.4f}, {a['likedRating']['high']:.4f}]")
for name, d in (("click-through", f["differences"]["clickThrough"]), ("liked rating", f["differences"]["likedRating"])):
    print(f"treatment - control, {name}: {d['difference']:.4f} [{d['low']:.4f}, {d['high']:.4f}]")
time.sleep(31)  # the online figures are cached for 30 s (Outcomes:FiguresCacheSeconds)
print("Online figures per version (GET /api/v1/model/versions) beside the offline holdout figures:")
for v in sorted(call("GET", "/api/v1/model/versions", admin_key), key=lambda v: v["version"]):
    online, m = v.get("online") or {}, v["metrics"]
    ct, lr = online.get("clickThrough") or {}, online.get("likedRating") or {}
    print(f"  version {v['version']}: holdout RMSE {m.get('rmse')}, liked precision@10 {m.get('likedPrecisionAt10')}; "
          f"online {online.get('impressions')} lists, click-through {ct.get('rate')}, liked rating {lr.get('rate')}")
