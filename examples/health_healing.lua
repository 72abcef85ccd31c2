-- Run with: designkit examples/health_healing.lua
-- A backend that hangs (a deadlock: from then on it answers nothing until it is restarted) at
-- 100 s and 400 s of a 600 s run, behind a balancer, 100 requests/s. Without health checks its
-- requests wait forever; with checks (a probe every 5 s, timeout 1 s, unhealthy after 3 failed,
-- healthy after 2 good) the balancer stops sending it requests, which then fail fast, but it
-- stays hung; with auto-healing (`restart_after = "20s"`, a restart taking 10 s) it comes back
-- after each hang. Simulator runs, same seed; tests/lua/health_healing_spec.lua checks the rows
-- against the timeline's arithmetic (docs/patterns/resilience.md).
local dk = require "designkit"

local RATE, RUN = 100, 600

local function design(checks)
  local m = dk.model "health-healing"
  local users = m:client "users" { rate = RATE, arrivals = "constant" }
  local lb = m:balancer "lb" (checks or {})
  local api = m:service "api" { workers = 8, time = dk.exp "10ms", hang_at = "100s",
                                hang_every = "300s", restart_time = "10s" }
  m:links { users >> lb >> api }
  return m
end

local probes = { health_interval = "5s", health_timeout = "1s", unhealthy = 3, healthy = 2 }
local setups = {
  { name = "no health checks" },
  { name = "checks, no healing", checks = probes },
  { name = "checks + restart 20s", checks = { health_interval = "5s", health_timeout = "1s",
                                              unhealthy = 3, healthy = 2, restart_after = "20s" } },
}

local rows = {}
print(string.format("%-22s %9s %9s %10s %8s %11s %9s", "setup", "requests", "served",
  "answered", "waiting", "unhealthy", "restarts"))
for _, s in ipairs(setups) do
  local r = design(s.checks):run { duration = RUN .. "s", seed = 1 }
  local lb
  for _, c in ipairs(r.components) do if c.name == "lb" then lb = c end end
  local h = lb.health and lb.health[1] or {}
  local answered = r.total.completed + r.total.failed
  local row = {
    name = s.name,
    requests = r.total.created,
    served = r.total.completed / r.total.created,   -- answered OK, of all requests
    availability = r.total.completed / answered,    -- answered OK, of the answered ones
    waiting = r.in_flight,                          -- never answered: held by the hang
    unhealthy = h.unhealthy,                        -- seconds judged unhealthy
    restarts = h.restarts or 0,
    probes = h.probes,
  }
  rows[#rows + 1] = row
  print(string.format("%-22s %9d %8.1f%% %9.1f%% %8d %11s %9d", row.name, row.requests,
    100 * row.served, 100 * row.availability, row.waiting,
    row.unhealthy and dk.format_duration(row.unhealthy) or "-", row.restarts))
end
return rows
