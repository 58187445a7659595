-- bench/get.lua - wrk: a GET (the path wrk is given) with the key from
-- BENCH_KEY; prints requests, duration (us), p99 (us) and errors.
local key = os.getenv("BENCH_KEY")
function init(args)
   if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
end
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("WRK %d %d %d %d\n", summary.requests, summary.duration,
      latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
