-- noroute.lua - a balancer with no backend: `designkit check` reports an error and exits 1.
local dk = require "designkit"
local m = dk.model "noroute"

local users = m:client "users" { rate = "10/s" }
local lb = m:balancer "lb" {}
m:link(users, lb)

return m
