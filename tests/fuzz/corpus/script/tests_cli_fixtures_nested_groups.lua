-- nested_groups.lua - 8 components in a region that holds a zone, with the balancer and the
-- cache inside the zone: requests leave the zone (lb -> api) and come back into it (api -> cache,
-- orders -> sessions). Graphviz 2.42 laid this out with a double free once the drawing carried
-- the run's figures on its edges (issue 6); `draw --after-run` aborted with exit 134.
local dk = require "designkit"
local m = dk.model "nested"

local region = m:group "us-east" { kind = "region" }
local zone = region:group "us-east-1a" { kind = "zone" }

local users = m:client "users" { rate = "200/s", mix = { read = 0.9, write = 0.1 } }
local lb = zone:balancer "lb" {}
local api = region:service "api" { replicas = 2, workers = 8, time = dk.exp "2ms" }
local cache = zone:cache "cache" { capacity = 500, ttl = "1h" }
local db = region:database "db" { time = dk.exp "5ms" }
local sessions = zone:database "sessions" {}
local orders = region:database "orders" {}
local archive = m:database "archive" {}

m:link(users, lb)
m:link(lb, api)
api:route("read", dk.cache_aside(cache, db))
api:route("write", dk.call(db))
m:link(orders, sessions)
m:link(api, orders)
m:link(api, archive)
return m
