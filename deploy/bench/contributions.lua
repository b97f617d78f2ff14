-- wrk script: POSTs batches of 1,000 contribution reports with a service key (SERVICE_KEY), to EXPERIMENT_PATH.
-- 100 peers (fingerprints) x 10 steps per batch; every batch of every thread and run has steps of its own, so each is new.
local path = os.getenv("EXPERIMENT_PATH") .. "/contributions"
local key = os.getenv("SERVICE_KEY")
local run = tonumber(os.getenv("RUN") or "1")
local counter = 0
local threads = 0
local fingerprints = nil
local start = os.time() - 2 * 86400

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

-- Each thread of each run reports its own 100 peers. Every report stands for a millisecond of work (samples ÷
-- samples/s), so however fast wrk sends them a peer never claims more work than the time it has been reporting:
-- honest figures, nothing clipped.
local function peers()
  local list = {}
  for p = 1, 100 do
    list[p] = string.format("bench%02d%02d%03d%s", run % 100, (thread_id or 0) % 100, p, string.rep("x", 31))
  end
  return list
end

function request()
  fingerprints = fingerprints or peers()
  counter = counter + 1
  -- thread_id is set per thread by setup(); RUN separates the runs of one benchmark.
  local base = run * 1000000000000 + (thread_id or 0) * 1000000000 + counter * 10
  local parts = {}
  local i = 1
  for s = 0, 9 do
    for p = 1, 100 do
      parts[i] = string.format(
        '{"peer_public_key":"%s","step":%d,"samples":%d,"samples_per_second":%.1f,"mini_steps":4,"loss":2.5,"time":%d}',
        fingerprints[p], base + s, 100 + p, (100 + p) * 1000, start + counter * 10 + s)
      i = i + 1
    end
  end
  local body = '{"reports":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
end
