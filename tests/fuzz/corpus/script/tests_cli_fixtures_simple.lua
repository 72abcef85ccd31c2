-- simple.lua - a small healthy design: every expectation holds, no error finding.
local dk = require "designkit"
local m = dk.model "simple"

local users = m:client "users" { rate = "200/s", mix = { read = 0.9, write = 0.1 },
                                 keys = dk.zipf { n = 1000, s = 0.9 } }
local lb = m:balancer "lb" { replicas = 2, algorithm = "round_robin" }
local api = m:service "api" { replicas = 2, workers = 8, time = dk.exp "2ms" }
local cache = m:cache "cache" { replicas = 2, capacity = 500, ttl = "1h" }
local db = m:database "db" { replicas = 2, replication = "async", time = dk.exp "5ms" }

m:link(users, lb)
m:link(lb, api)
api:route("read", dk.cache_aside(cache, db))
api:route("write", dk.call(db))

m:expect { p99 = "10s", availability = 0.5 }
return m
