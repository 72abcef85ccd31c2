-- Routing by class (routing.sh): reader routes read, writer handles write, and nothing routes
-- audit, which users also send: check's unrouted-class error; run --force fails each audit.
local dk = require "designkit"
local m = dk.model "unrouted"
local users = m:client "users" { rate = 1000, mix = { read = 3, write = 1, audit = 1 } }
local lb = m:balancer "lb" { replicas = 2 }
local reader = m:service "reader" { replicas = 2, workers = 4, time = dk.exp "1ms" }
local writer = m:service "writer" { replicas = 2, workers = 4, time = dk.exp "1ms" }
m:links { users >> lb >> { reader, writer } }
reader:route("read", function(req) end)
writer:on("write", function(req) end)
return m
