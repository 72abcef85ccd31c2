-- Run with: designkit run examples/links.lua
-- Links as statements: `users >> api` alone is not a Lua statement, so the links of a design go
-- in one m:links { ... } (or each in `_ = users >> api`). A group may leave out its options.
local dk = require "designkit"

local m = dk.model "links"
local eu = m:group "eu" -- a plain group: no options needed

local users = m:client "users" { rate = 400 }
local lb = eu:balancer "lb" {}
local api = eu:service "api" { replicas = 2, workers = 8, time = dk.exp "5ms" }
local db = eu:database "db" { workers = 16, time = dk.exp "2ms" }

m:links {
  users >> lb >> api,
  api >> db,
}

m:expect { p99 = "100ms" }
return m
