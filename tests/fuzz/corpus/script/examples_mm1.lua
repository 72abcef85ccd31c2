-- Run with: designkit examples/mm1.lua
-- An M/M/1 queue simulated and compared with the formula: mean latency = 1 / (mu - lambda).
local dk = require "designkit"

local mean_service = 0.001 -- seconds: mu = 1000/s
print(string.format("%5s  %10s  %10s  %7s", "rho", "simulated", "formula", "error"))
for _, rho in ipairs { 0.5, 0.7, 0.8, 0.9 } do
  local lambda = rho / mean_service
  local m = dk.model "mm1"
  local c = m:client "arrivals" { rate = lambda }           -- Poisson arrivals
  local s = m:service "server" { workers = 1, time = dk.exp(mean_service) }
  _ = c >> s
  local r = m:run { duration = "1h", requests = 500000, seed = 7 }
  local formula = dk.mmc { lambda = lambda, mu = 1 / mean_service }.mean_latency
  local sim = r.total.latency.mean
  print(string.format("%5.2f  %10s  %10s  %6.2f%%", rho, dk.format_duration(sim),
    dk.format_duration(formula), (sim - formula) / formula * 100))
end
