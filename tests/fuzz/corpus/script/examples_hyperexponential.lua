-- Run with: designkit examples/hyperexponential.lua
-- Service times more variable than an exponential's: an M/H2/1 queue against the
-- Pollaczek-Khinchine formula, Wq = rho (1 + scv) / (2 (1 - rho)) E[S], and a mixture.
local dk = require "designkit"

local mean_service, rho = 0.001, 0.8 -- 1 ms at 800 requests/s
print(string.format("%4s  %12s  %12s", "scv", "simulated Wq", "P-K Wq"))
for _, scv in ipairs { 1, 4, 9 } do
  local m = dk.model "mh21"
  local c = m:client "arrivals" { rate = rho / mean_service }
  local s = m:service "server" { time = dk.hyperexp { mean = mean_service, scv = scv } }
  _ = c >> s
  local r = m:run { duration = "2000s", seed = 11 }
  local wq = r.total.latency.mean - mean_service
  local pk = rho * (1 + scv) / (2 * (1 - rho)) * mean_service
  print(string.format("%4g  %12s  %12s", scv, dk.format_duration(wq), dk.format_duration(pk)))
end

-- A mixture: 90% fast reads, 10% slow scans. Its mean is the weighted mean of the parts'.
local t = dk.mixture { { 0.9, dk.exp "1ms" }, { 0.1, dk.hyperexp { { 0.5, "10ms" }, { 0.5, "50ms" } } } }
print(t, dk.format_duration(t:mean()))
