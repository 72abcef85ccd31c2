-- async_link.lua: api waits for db and tells audit without waiting (an asynchronous link).
local dk = require "designkit"
local m = dk.model "async"
local users = m:client "users" { rate = 100, arrivals = "constant" }
local api = m:service "api" { workers = 8, time = dk.constant "1ms" }
local db = m:database "db" { workers = 8, time = dk.constant "2ms" }
local audit = m:service "audit" { workers = 1, time = dk.constant "50ms" }
m:links { users >> api, api >> db }
m:link(api, audit, { async = true })
return m
