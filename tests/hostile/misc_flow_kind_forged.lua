-- hostile: changes a flow's kind to a table after dk.call made it (its kind was read as a C string: NULL)
-- exit: 2
-- stderr: misc_flow_kind_forged.lua:11:
-- stderr: the flow's kind was changed (use dk.cache_aside or dk.call)
local dk = require "designkit"
local m = dk.model "forged-flow"
local users = m:client "users" { rate = 10 }
local api, db = m:service "api" {}, m:database "db" {}
m:links { users >> api, api >> db }
local flow = dk.call(db)
flow.kind = {}; api:route("request", flow)
return m
