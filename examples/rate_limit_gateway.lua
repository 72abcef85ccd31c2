-- Run with: designkit run examples/rate_limit_gateway.lua --for 60s
-- A gateway limits an API to 100 requests per second (GCRA, bursts of 20) while users offer 250
-- per second: about 100/s get through and 60% are refused, reported as "limited" in the rate
-- limits table (and "limited" in the JSON report), apart from real failures.
local dk = require "designkit"
local m = dk.model "rate-limited-api"

local users = m:client "users" { rate = "250/s", keys = dk.zipf { n = 1000, s = 1.0 } }
local edge = m:gateway "edge" { algorithm = "gcra", rate = "100/s", burst = 20 }
local api = m:service "api" { replicas = 2, workers = 16, time = dk.exp "5ms" }

m:links { users >> edge >> api }
return m
