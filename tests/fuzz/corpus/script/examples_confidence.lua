-- Run with: designkit examples/confidence.lua
-- How sure is a simulated figure? An M/M/1 queue (Poisson 800/s, exponential 1 ms service: 80%
-- busy) has mean response time 1 / (mu - lambda) = 5 ms. A run started empty underestimates it
-- until the queue has filled; a warm-up leaves that start out. Each run's mean comes with a 95%
-- interval by batch means, and five independent replications give intervals for p99 too.
-- The same from the command line:
--   designkit run DESIGN.lua --warmup 5s --replications 5
local dk = require "designkit"

local lambda, mu = 800, 1000
local exact = 1 / (mu - lambda)

local m = dk.model "confidence"
local c = m:client "c" { rate = lambda }
local s = m:service "s" { workers = 1, time = dk.exp(1 / mu) }
m:links { c >> s }

local function ms(x) return ("%.3f ms"):format(x * 1e3) end

-- One run, its mean with the batch-means interval.
local r = m:run { duration = "60s", warmup = "5s", seed = 1 }
local l = r.classes[1].latency
print(("one run:      mean %s, 95%% interval %s .. %s (batch means)"):format(
  ms(l.mean), ms(l.mean_ci95[1]), ms(l.mean_ci95[2])))

-- Five replications: the mean and p99 across them, each with its interval.
local reps = m:run { duration = "60s", warmup = "5s", seed = 1, replications = 5 }.replications
for _, key in ipairs { "mean", "p99" } do
  local e = reps.classes[1][key]
  print(("5 runs: %-5s %s ± %s, 95%% interval %s .. %s"):format(key, ms(e.mean), ms(e.half),
                                                                 ms(e.ci95[1]), ms(e.ci95[2])))
end
print(("M/M/1 says:   mean %s, p99 %s"):format(ms(exact), ms(-math.log(0.01) * exact)))
