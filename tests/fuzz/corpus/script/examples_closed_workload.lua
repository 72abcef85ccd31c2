-- Run with: designkit examples/closed_workload.lua
-- A closed workload: 10 users who each send a request, wait for the reply, think for about a
-- second, and send again. Each request visits three single-server stations in turn. Exact Mean
-- Value Analysis, computed below, says what throughput and response time to expect.
local dk = require "designkit"

local demands = { 0.2, 0.1, 0.05 } -- seconds of service per visit, exponential
local users, think = 10, 1.0

-- Exact MVA: add users one at a time; each station's response time is its demand times one
-- plus the queue the newcomer finds there (the queue with one user fewer).
local function mva(n_users)
  local q = { 0, 0, 0 }
  local x, r
  for n = 1, n_users do
    local rk = {}
    r = 0
    for k, d in ipairs(demands) do
      rk[k] = d * (1 + q[k])
      r = r + rk[k]
    end
    x = n / (think + r)
    for k = 1, #demands do q[k] = x * rk[k] end
  end
  return x, r
end

local m = dk.model "closed"
local c = m:client "users" { users = users, think = dk.exp(think) }
-- The front takes no time and has a worker per user, so it never queues; with no route it
-- calls its links in turn.
local front = m:service "front" { workers = users, time = 0 }
local stations = {}
for k, d in ipairs(demands) do
  stations[k] = m:service("s" .. k) { time = dk.exp(d) }
end
_ = c >> front >> stations

local r = m:run { duration = "20000s", seed = 3 }
local x, resp = mva(users)
print(string.format("%-22s %10s %10s", "", "simulated", "MVA"))
print(string.format("%-22s %10.4f %10.4f", "throughput (/s)", r.total.throughput, x))
print(string.format("%-22s %10.4f %10.4f", "response time (s)", r.total.latency.mean, resp))
