-- hostile: 4 threads that each wait 1 s on a downstream, sent 1000/s: the 1 ms service time hides that they serve 4/s
-- command: run {} --for 3000s
-- env: DESIGNKIT_MAX_MEMORY=256MiB
-- exit: 2
-- stderr: overloaded: service "api" has
-- stderr: each request holding a worker 1.0
local dk = require "designkit"
local m = dk.model "held"
local users = m:client "users" { rate = 1000 }
local api = m:service "api" { workers = 4, time = "1ms" }
local slow = m:service "slow" { workers = 1e6, time = dk.constant "1s" }
m:links { users >> api >> slow }
return m
