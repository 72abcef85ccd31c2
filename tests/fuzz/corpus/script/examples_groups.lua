-- Run with: designkit run examples/groups.lua
-- Groups nest (region > zone) and are drawn as boxes: designkit draw examples/groups.lua -o groups.svg
local dk = require "designkit"

local m = dk.model "two-zones"
local east = m:group "us-east" { kind = "region" }
local zone_a = east:group "us-east-1a" { kind = "zone" }
local zone_b = east:group "us-east-1b" { kind = "zone" }

local users = m:client "users" { rate = 600 }
local lb = east:balancer "lb" { algorithm = "least_connections" }
local web_a = zone_a:service "web-a" { replicas = 2, workers = 8, time = dk.exp "4ms" }
local web_b = zone_b:service "web-b" { replicas = 2, workers = 8, time = dk.exp "4ms" }
local db = zone_a:database "db" { replicas = 2, replication = "sync", workers = 32, time = dk.exp "2ms" }

_ = users >> lb >> { web_a, web_b }
m:link(web_a, db, { latency = dk.constant "100us" })   -- same zone
m:link(web_b, db, { latency = dk.uniform("500us", "1ms") }) -- across zones

for _, g in ipairs(m:groups()) do
  print(g.kind, g.name, g.parent and ("in " .. g.parent.name) or "")
end
m:expect { p99 = "60ms" }
return m
