-- two_regions.lua - services in two regions and one outside both, sharing a cache and a
-- database in us-east. Before issue 6 the drawing after a run stacked the two region boxes the
-- other way round from the drawing before it.
local dk = require "designkit"
local m = dk.model "regions"

local east = m:group "us-east" { kind = "region" }
local west = m:group "us-west" { kind = "region" }

local users = m:client "users" { rate = "200/s" }
local lb = m:balancer "lb" {}
local api_e1 = east:service "api-e1" { time = dk.exp "1ms" }
local edge = m:service "edge" { time = dk.exp "1ms" }
local cache = east:cache "cache" { capacity = 100 }
local db = east:database "db" { time = dk.exp "2ms" }
local api_w = west:service "api-w" { time = dk.exp "1ms" }
local api_e2 = east:service "api-e2" { time = dk.exp "1ms" }

m:link(users, lb)
m:link(lb, api_e1)
m:link(lb, edge)
m:link(lb, api_w)
m:link(lb, api_e2)
m:link(api_e1, cache)
m:link(edge, cache)
m:link(edge, db)
m:link(api_w, db)
return m
