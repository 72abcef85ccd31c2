-- retry_storm.lua - a dependency fails for 20 s: retries alone multiply the load it receives (a
-- retry storm) and stretch every caller's latency; a circuit breaker in front of the retries
-- sheds that load and fails fast. A time-stepped model over dk.retry and dk.breaker (10 ms
-- steps, one request every 10 ms), not the simulator: see docs/patterns/resilience.md.
-- Prints one row per setup and returns the rows (tests/lua/retry_storm_spec.lua checks them
-- against the arithmetic of the outage).
local dk = require "designkit"

local STEP = 0.01              -- seconds per step; every time is a whole number of steps
local RUN, DOWN, UP = 60, 20, 40 -- the dependency fails every call from DOWN to UP seconds
local OK_TIME, TIMEOUT = 0.02, 0.5 -- a good answer's latency; a failing call hangs to the timeout

local function steps(seconds) return math.floor(seconds / STEP + 0.5) end

-- Runs the minute; `breaker` may be nil. Returns the figures of one row.
local function run(with_breaker)
  local retry = dk.retry { attempts = 4, base = "100ms", cap = "2s", jitter = "full", seed = 7 }
  local breaker = with_breaker and dk.breaker { window = 20, failure_rate = 0.5, wait = "2s",
                                                half_open_calls = 3 }
  local due = {}          -- due[step] = list of events { kind, req, attempt }
  local function at(s, ev)
    local l = due[s]
    if not l then l = {}; due[s] = l end
    l[#l + 1] = ev
  end
  local sent_down, sent_total, peak, per_second = 0, 0, 0, {}
  local latencies, ok_count, requests = {}, 0, 0
  local function finish(req, s, ok)
    latencies[#latencies + 1] = (s - req.start) * STEP
    if ok then ok_count = ok_count + 1 end
  end
  local last = steps(RUN)
  for s = 0, last + steps(30) do
    local t = s * STEP
    if s < last then -- a new request arrives
      requests = requests + 1
      at(s, { kind = "try", req = { start = s }, attempt = 1 })
    end
    for _, ev in ipairs(due[s] or {}) do
      local req = ev.req
      if ev.kind == "try" then
        if breaker and not breaker:allow(t) then
          finish(req, s, false) -- fails fast: the dependency never sees it
        else
          local sec = math.floor(t)
          per_second[sec] = (per_second[sec] or 0) + 1
          sent_total = sent_total + 1
          if t >= DOWN and t < UP then sent_down = sent_down + 1 end
          local failing = t >= DOWN and t < UP
          at(s + steps(failing and TIMEOUT or OK_TIME),
             { kind = "done", req = req, attempt = ev.attempt, ok = not failing,
               took = failing and TIMEOUT or OK_TIME })
        end
      else -- an answer (or a timeout) comes back
        if breaker then breaker:record(ev.ok, ev.took, t) end
        if ev.ok then
          finish(req, s, true)
        elseif ev.attempt < 4 then
          at(s + math.max(1, steps(retry:backoff(ev.attempt))),
             { kind = "try", req = req, attempt = ev.attempt + 1 })
        else
          finish(req, s, false)
        end
      end
    end
    due[s] = nil
  end
  for _, n in pairs(per_second) do peak = math.max(peak, n) end
  table.sort(latencies)
  return {
    setup = with_breaker and "retries + breaker" or "retries only",
    load_down = sent_down / (UP - DOWN),        -- attempts per second at the failing dependency
    peak = peak,                                -- the busiest second's attempts
    amplification = sent_total / requests,      -- attempts per request over the run
    success = ok_count / requests,
    p99 = latencies[math.ceil(0.99 * #latencies)],
  }
end

local rows = { run(false), run(true) }
print(string.format("offered load 100/s; the dependency fails from %ds to %ds (calls hang %gs)",
                    DOWN, UP, TIMEOUT))
print(string.format("%-18s %14s %8s %14s %9s %8s", "setup", "load while down", "peak/s",
                    "attempts/req", "success", "p99"))
for _, r in ipairs(rows) do
  print(string.format("%-18s %12.1f/s %8d %14.2f %8.1f%% %7.2fs", r.setup, r.load_down, r.peak,
                      r.amplification, 100 * r.success, r.p99))
end
return rows
