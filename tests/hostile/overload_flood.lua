-- hostile: rate = 1e12 into a service of two replicas: requests pile up without end (took 8 GB in 8 s)
-- env: DESIGNKIT_MAX_MEMORY=256MiB
-- exit: 2
-- stderr: overloaded: service "api" has
-- stderr: requests waiting; offered
-- stderr: against a capacity of 100/s (2 replicas x 50/s)
local dk = require "designkit"
local m = dk.model "flood"
local users = m:client "users" { rate = 1e12 }
local api = m:service "api" { replicas = 2, workers = 1, time = "20ms" }
m:links { users >> api }
return m
