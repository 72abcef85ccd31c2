-- hostile: a handler throws the host's old "exit 0" shape in the middle of a run
-- exit: 2
-- stderr: handler for "request"
local dk = require "designkit"
local m = dk.model "handler"
local users = m:client "users" { rate = "10/s" }
local api = m:service "api" {}
m:link(users, api)
api:on("request", function() error({ code = 0, message = "" }, 0) end)
return m
