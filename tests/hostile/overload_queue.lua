-- hostile: an unbounded queue fed a billion messages a second by one consumer
-- env: DESIGNKIT_MAX_MEMORY=256MiB
-- exit: 2
-- stderr: overloaded: queue "jobs" has
-- stderr: against a capacity of 1000/s (1 consumer x 1000/s)
local dk = require "designkit"
local m = dk.model "backlog"
local producers = m:client "producers" { rate = 1e9 }
local jobs = m:queue "jobs" { consumers = 1, time = "1ms" }
m:links { producers >> jobs }
return m
