-- failing.lua - runs fine but cannot meet its expectation: `designkit run` exits 1.
local dk = require "designkit"
local m = dk.model "failing"

local users = m:client "users" { rate = "100/s" }
local api = m:service "api" { replicas = 2, workers = 4, time = dk.exp "5ms" }
m:link(users, api)

m:expect { p99 = "1us" }
return m
