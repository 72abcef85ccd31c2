-- mm1_dsl.lua - the M/M/1 design written as a user would, timed around m:run (designkit FILE N).
local dk = require "designkit"
local n = tonumber(arg and arg[1]) or 2000000

local m = dk.model "mm1"
local clients = m:client "clients" { rate = 0.8, arrivals = "poisson" }
local server = m:service "server" { workers = 1, time = dk.exp(1.0) }
local _ = clients >> server

local t0 = os.clock()
local r = m:run { duration = "100y", requests = n, seed = 1 }
local elapsed = os.clock() - t0
print(string.format("dsl %.0f %.4f %d", n / elapsed, r.classes[1].latency.mean, r.events))
