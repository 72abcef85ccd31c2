-- hostile: fills a flow with more targets than a route has room for (dk_route holds four)
-- exit: 2
-- stderr: misc_flow_overfilled.lua:12:
-- stderr: a flow takes 1 to 4 components (got 64)
local dk = require "designkit"
local m = dk.model "overfilled-flow"
local users = m:client "users" { rate = 10 }
local api, db = m:service "api" {}, m:database "db" {}
m:links { users >> api, api >> db }
local flow = dk.call(db)
for i = 2, 64 do flow[i] = db end
api:route("request", flow)
return m
