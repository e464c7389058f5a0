-- wrk script for bench/http_bench.py: POSTs the JSON lines of $BENCH_BODIES round robin (or
-- GETs the URL when unset) with $BENCH_KEY, and prints the figures as one JSON line.
local bodies = {}
local next_body = 0
local key = os.getenv("BENCH_KEY") or ""
local body_file = os.getenv("BENCH_BODIES")

function init(args)
  if body_file and body_file ~= "" then
    for line in io.lines(body_file) do
      bodies[#bodies + 1] = line
    end
  end
  -- Threads start at different places in the mix.
  next_body = math.random(1, math.max(#bodies, 1))
end

function request()
  local headers = { ["X-API-Key"] = key }
  if #bodies == 0 then
    return wrk.format("GET", nil, headers)
  end
  next_body = next_body % #bodies + 1
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", nil, headers, bodies[next_body])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"tool": "wrk", "requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
