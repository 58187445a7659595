-- bench/track.lua - wrk: one Segment track event per request to /v1/track
-- over keep-alive. Env: BENCH_KEY (ingest key), BENCH_LEADS (leads L0..),
-- BENCH_TAG (makes messageIds unique per run), BENCH_BATCH (events per
-- request: 1 posts to /v1/track, more to /v1/batch).
local key = os.getenv("BENCH_KEY")
local nleads = tonumber(os.getenv("BENCH_LEADS") or "1000")
local tag = os.getenv("BENCH_TAG") or "t"
local per = tonumber(os.getenv("BENCH_BATCH") or "1")
local counter = 0
local tid = 0
local threads = {}
local urls = {"/pricing", "/", "/product", "/blog/post-4", "/docs/guide-1"}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(tid * 7919 + 1)
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Authorization"] = "Bearer " .. key
end

local function event()
   counter = counter + 1
   local sec = counter % 86400
   return string.format(
      '{"type":"track","userId":"L%d","event":"page_view","messageId":"%s-%d-%d",' ..
      '"timestamp":"2026-02-28T%02d:%02d:%02dZ","properties":{"url":"%s","seconds":%d}}',
      math.random(0, nleads - 1), tag, tid, counter,
      math.floor(sec / 3600), math.floor(sec % 3600 / 60), sec % 60,
      urls[counter % #urls + 1], counter % 200)
end

function request()
   if per == 1 then
      return wrk.format("POST", "/v1/track", nil, event())
   end
   local items = {}
   for i = 1, per do items[i] = event() end
   return wrk.format("POST", "/v1/batch", nil, '{"batch":[' .. table.concat(items, ",") .. ']}')
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("WRK %d %d %d %d\n", summary.requests, summary.duration,
      latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout))
end
