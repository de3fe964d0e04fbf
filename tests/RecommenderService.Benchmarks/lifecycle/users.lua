-- wrk script: random users' recommendation lists with the client key. wrk counts answers >= 400 as
-- "status" errors and connection failures by kind; both are printed by done().
local users = tonumber(os.getenv("USERS") or "943")
local key = os.getenv("CLIENT_KEY")
math.randomseed(os.time())
request = function()
  local path = "/api/v1/users/" .. math.random(1, users) .. "/recommendations?count=10"
  return wrk.format("GET", path, { ["X-Api-Key"] = key })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d errors(connect %d read %d write %d timeout %d status %d) p50 %.2fms p99 %.2fms\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
