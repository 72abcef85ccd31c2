-- mm1.lua - one exponential server at half load: Poisson 500/s, mean service 1 ms. Its mean
-- response time is 1 / (mu - lambda) = 2 ms (tests/cli/confidence.sh).
local dk = require "designkit"
local m = dk.model "mm1"
local c = m:client "c" { rate = 500 }
local s = m:service "s" { replicas = 1, workers = 1, time = dk.exp "1ms" }
m:links { c >> s }
return m
