-- flood.lua - a service that cannot keep up: 10,000 requests a second into one worker that
-- serves 1,000. Its queue grows without end, and so does the simulator's memory: under
-- DESIGNKIT_MAX_MEMORY the run fails in the engine (out of memory), which exits 3.
local dk = require "designkit"
local m = dk.model "flood"
local users = m:client "users" { rate = 10000 }
local api = m:service "api" { workers = 1, time = "1ms" }
m:links { users >> api }
return m
