-- wrk script for bench:redirect: cycle through the distinct click paths listed in BENCH_PATHS (one per
-- line, each connection starting at its own offset), and report the figures as one JSON line.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
wrk.headers["User-Agent"] = os.getenv("BENCH_USER_AGENT")

local next = 0
request = function()
  next = next % #paths + 1
  return wrk.format("GET", paths[next])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
