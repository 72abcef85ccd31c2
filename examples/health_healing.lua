-- health_healing.lua - a backend that hangs (a deadlock: it stays broken until restarted) at 100 s
-- and 400 s of a 600 s run, probed every 5 s (timeout 1 s, unhealthy after 3 failures, healthy
-- after 2 successes). Without auto-healing it stays down; with `restart_after = "20s"` the
-- checker restarts it (a restart takes 10 s) and the availability shows the difference.
-- A time-stepped model over dk.health, not the simulator: see docs/patterns/resilience.md.
-- Returns the rows (tests/lua/health_healing_spec.lua checks them against the timeline).
local dk = require "designkit"

local RUN, HANGS, BOOT = 600, { 100, 400 }, 10

local function run(restart_after)
  local hc = dk.health { interval = "5s", timeout = "1s", healthy = 2, unhealthy = 3,
                         restart_after = restart_after }
  local broken, back_at, up_time = false, nil, 0
  local hang = 1
  for t = 0, RUN - 1 do -- one-second steps; probes every 5 s
    if HANGS[hang] and t >= HANGS[hang] then broken, hang = true, hang + 1 end
    if back_at and t >= back_at then broken, back_at = false, nil end
    if not broken and not back_at then up_time = up_time + 1 end
    if t >= hc:next_probe() then hc:probe(not broken and not back_at, 0.01, t) end
    if hc:due_restart(t) then
      hc:restarted(t)
      back_at = t + BOOT -- restarting: down until it has booted
    end
  end
  local st = hc:stats(RUN)
  return { setup = restart_after and ("restart after " .. restart_after) or "no healing",
           served = up_time / RUN,           -- the time the backend really answered
           availability = st.availability,   -- the time the checker judged it healthy
           restarts = st.restarts }
end

local rows = { run(nil), run("20s") }
print(string.format("%-18s %10s %14s %9s", "setup", "served", "judged healthy", "restarts"))
for _, r in ipairs(rows) do
  print(string.format("%-18s %9.1f%% %13.1f%% %9d", r.setup, 100 * r.served, 100 * r.availability,
                      r.restarts))
end
return rows
