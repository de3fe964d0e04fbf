-- wrk script for load/run.sh (see there to rerun). MODE=recommendations: GET
-- /api/v1/users/{random 1..USERS}/recommendations?count=10 with the client key in X-Api-Key; MODE=reasons: the
-- same with &include=reasons; MODE=live: GET /health/live. Prints one machine-readable line at the end: requests/s, p50 and p99 in ms, errors.
--   MODE=recommendations USERS=943 API_KEY=... wrk -t2 -c32 -d20s --latency -s serving.lua http://127.0.0.1:PORT
local mode = os.getenv("MODE") or "recommendations"
local users = tonumber(os.getenv("USERS") or "943")
local key = os.getenv("API_KEY") or ""
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 100 + (id or 0))
  wrk.headers["X-Api-Key"] = key
end

function request()
  if mode == "live" then
    return wrk.format("GET", "/health/live")
  end
  local path = "/api/v1/users/" .. math.random(1, users) .. "/recommendations?count=10"
  if mode == "reasons" then
    path = path .. "&include=reasons"
  end
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status
  io.write(string.format("RESULT mode=%s requests=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    mode, summary.requests, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
