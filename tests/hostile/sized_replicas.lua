-- hostile: a service with replicas = 1e9 (a replica's queue and dispatcher state each)
-- exit: 2
-- stderr: sized_replicas.lua:7: service "api": replicas must be an integer from 1 to 100000
local dk = require "designkit"
local m = dk.model "replicas"
local users = m:client "users" { rate = 10 }
local api = m:service "api" { replicas = 1e9 }
m:links { users >> api }
return m
