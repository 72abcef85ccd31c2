-- A balancer in front of one service of three replicas (routing.sh): three instances to
-- spread over, so no single-backend warning.
local dk = require "designkit"
local m = dk.model "replicas"
local users = m:client "users" { rate = 100 }
local lb = m:balancer "lb" { replicas = 2 }
local api = m:service "api" { replicas = 3 }
local db = m:database "db" { replicas = 2 }
m:links { users >> lb >> api >> db }
return m
