-- Run with: designkit run examples/first_design.lua
-- The smallest useful design: users behind a load balancer, two API servers and a database.
local dk = require "designkit"

local m = dk.model "first-design"

local users = m:client "users" { rate = "400/s" }
local lb = m:balancer "lb" { algorithm = "round_robin" }
local api1 = m:service "api-1" { workers = 8, time = dk.exp "5ms" }
local api2 = m:service "api-2" { workers = 8, time = dk.exp "5ms" }
local db = m:database "db" { workers = 32, time = dk.lognormal("3ms", 0.5) }

-- `a >> b` links a to b and gives b back; a statement needs the `_ =` in front.
_ = users >> lb >> { api1, api2 }
_ = { api1, api2 } >> db

m:expect { p99 = "100ms", availability = 0.999 }
return m
