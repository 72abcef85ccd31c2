-- warned.lua - a design check warns about but finds no error in: one service, one instance (a
-- single point of failure). `run` runs it; `check` exits 0, `check --strict` exits 1.
local dk = require "designkit"
local m = dk.model "warned"

local users = m:client "users" { rate = "50/s" }
local api = m:service "api" { workers = 4, time = dk.exp "1ms" }
m:link(users, api)

return m
