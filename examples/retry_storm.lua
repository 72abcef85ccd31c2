-- Run with: designkit examples/retry_storm.lua
-- A dependency fails every call from 20 s to 40 s of a one-minute run. A guard in front of it
-- retries each failed call up to 4 attempts (exponential backoff from 100 ms, full jitter):
-- alone, the retries multiply the load the failing dependency receives (a retry storm); with
-- a retry budget they are held to a share of the requests; with a circuit breaker the calls
-- are failed fast (short-circuited) and the dependency sees only trial calls. Simulator runs,
-- same seed; tests/lua/retry_storm_spec.lua checks the rows against the outage's arithmetic.
local dk = require "designkit"

local RATE, RUN, DOWN, UP = 100, 60, 20, 40

local function design(guard)
  local m = dk.model "retry-storm"
  local users = m:client "users" { rate = RATE }
  local api = m:service "api" { workers = 1000, time = dk.exp "2ms" }
  guard.attempts, guard.base, guard.cap, guard.jitter, guard.timeout = 4, "100ms", "2s", "full",
    "500ms"
  local g = m:guard "retry" (guard)
  local dep = m:database "dep" { workers = 0, time = "20ms", fail_from = DOWN .. "s",
                                 fail_to = UP .. "s" }
  m:links { users >> api >> g >> dep }
  return m
end

local setups = {
  { name = "retries alone", guard = {} },
  { name = "retries + budget 0.2", guard = { budget = 0.2, budget_min = 1 } },
  { name = "retries + breaker", guard = { breaker_window = 20, failure_rate = 0.5,
                                          breaker_wait = "2s", half_open = 3 } },
}

local rows = {}
print(string.format("%-22s %10s %14s %9s %9s %16s %8s", "setup", "dep calls", "amplification",
  "success", "p99", "short-circuited", "changes"))
for _, s in ipairs(setups) do
  local r = design(s.guard):run { duration = RUN .. "s", seed = 1 }
  local by = {}
  for _, c in ipairs(r.components) do by[c.name] = c end
  local row = {
    name = s.name,
    requests = r.total.created,
    dep_calls = by.dep.arrivals,
    amplification = by.dep.arrivals / r.total.created,
    success = r.total.completed / r.total.created,
    p99 = r.total.latency.p99,
    retries = by.retry.retries,
    short_circuited = by.retry.short_circuited,
    breaker_changes = by.retry.breaker_changes,
  }
  rows[#rows + 1] = row
  print(string.format("%-22s %10d %14.2f %8.1f%% %9s %16d %8d", row.name, row.dep_calls,
    row.amplification, 100 * row.success, dk.format_duration(row.p99), row.short_circuited,
    row.breaker_changes))
end
return rows
