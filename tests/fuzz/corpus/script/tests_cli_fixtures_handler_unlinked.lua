-- handler_unlinked.lua - a handler calls a database its service is not linked to: the run
-- stops with exit 2, naming the handler's line, both components and the missing link.
local dk = require "designkit"
local m = dk.model "handler-unlinked"

local users = m:client "users" { rate = "50/s", mix = { save = 1 } }
local api = m:service "api" { replicas = 2, time = dk.exp "1ms" }
local db = m:database "db" { replicas = 2, time = dk.exp "2ms" }
m:link(users, api)
api:on("save", function(req)
  db:write(req.key) -- no link api >> db
end)

return m
