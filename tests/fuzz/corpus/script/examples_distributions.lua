-- Run with: designkit examples/distributions.lua
-- The distributions a design can use, their means, and what samples look like.
local dk = require "designkit"

local dists = {
  dk.constant "5ms",
  dk.uniform("1ms", "9ms"),
  dk.exp "5ms",
  dk.normal("5ms", "1ms"),
  dk.lognormal("4ms", 0.6),      -- median and sigma
  dk.pareto("2ms", 1.8),         -- scale and shape: a heavy tail
  dk.empirical({ "1ms", "20ms" }, { 9, 1 }),
}

print(string.format("%-24s %9s %9s %9s", "distribution", "mean", "sampled", "p99"))
for _, d in ipairs(dists) do
  local xs = d:samples(100000, 1)
  local sum = 0
  for _, x in ipairs(xs) do sum = sum + x end
  table.sort(xs)
  print(string.format("%-24s %9s %9s %9s", tostring(d), dk.format_duration(d:mean()),
    dk.format_duration(sum / #xs), dk.format_duration(xs[math.floor(#xs * 0.99)])))
end

-- Keys: a Zipf distribution over 1..n; small keys are the popular ones.
local keys = dk.zipf { n = 1000000, s = 0.99 }
local top = 0
for _, k in ipairs(keys:samples(100000, 1)) do if k <= 1000 then top = top + 1 end end
print(string.format("%s: %.1f%% of requests touch the 1000 most popular keys", keys, top / 1000))

-- Plain numbers are seconds wherever a duration is expected.
assert(dk.exp(0.005):mean() == dk.exp "5ms":mean())
