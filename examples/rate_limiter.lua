-- examples/rate_limiter.lua - dk.limiter on its own: the same ten requests through each
-- algorithm at rate 2/s, burst 3 (T = 0.5 s, window W = 1.5 s), with the time given by the
-- script, and a per-key limiter that keeps each user apart.
local dk = require "designkit"

local times = { 0, 0, 0, 0, 0.4, 0.5, 1.0, 1.5, 1.5, 1.6 }
print(("%-15s %s"):format("algorithm", "t = " .. table.concat(times, "  ")))
for _, alg in ipairs { "token_bucket", "leaky_bucket", "leaky_queue", "fixed_window",
                       "sliding_log", "sliding_window", "gcra" } do
  local lim = dk.limiter { algorithm = alg, rate = "2/s", burst = 3 }
  local marks = {}
  for i, t in ipairs(times) do
    local ok, wait = lim:allow(t)
    -- A pass delayed by the leaky queue shows its delay; a refusal its wait.
    marks[i] = ok and (wait > 0 and ("+%.3g"):format(wait) or "ok") or ("no(%.3g)"):format(wait)
  end
  print(("%-15s %s"):format(alg, table.concat(marks, " ")))
end

local per_user = dk.limiter { algorithm = "gcra", rate = "6000/min", burst = 2, per_key = true,
                              max_keys = 10000, idle = "1m" }
local passed = { alice = 0, bob = 0 }
for i = 0, 99 do -- 100 requests each within 0.5 s: 2 at once, then one per 10 ms
  for _, who in ipairs { "alice", "bob" } do
    if per_user:allow(who, i * 0.005) then passed[who] = passed[who] + 1 end
  end
end
print(("per key: alice %d, bob %d of 100 each in 0.5 s (2 + 0.5 s x 100/s = 51 expected)")
      :format(passed.alice, passed.bob))
