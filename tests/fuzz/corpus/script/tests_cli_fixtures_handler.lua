-- handler.lua - a service whose "write" requests run a Lua handler (left out of a JSON export).
local dk = require "designkit"
local m = dk.model "handler"

local users = m:client "users" { rate = "50/s", mix = { read = 0.8, write = 0.2 } }
local api = m:service "api" { replicas = 2, workers = 4, time = dk.exp "1ms" }
local db = m:database "db" { replicas = 2, time = dk.exp "2ms" }
m:link(users, api)
api:route("read", dk.call(db))
api:on("write", function(req)
  db:write(req.key)
end)

return m
