-- handler_error.lua - a Lua handler that fails at run time: exit 2, naming component and class.
local dk = require "designkit"
local m = dk.model "handler-error"

local users = m:client "users" { rate = "50/s", mix = { upload = 1 } }
local api = m:service "api" { replicas = 2, time = dk.exp "1ms" }
m:link(users, api)
api:on("upload", function(req)
  error("disk full")
end)

return m
