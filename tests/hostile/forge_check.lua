-- hostile: a design with a check error replaces what the host counts findings with
-- command: check {}
-- exit: 1
-- stdout: error
local dk = require "designkit"
local m = dk.model "unbalanced"
local users = m:client "users" { rate = "10/s" }
local lb = m:balancer "lb" {} -- no backend: an error
m:link(users, lb)
ipairs = function() return function() end end
pairs = ipairs
type = function() return "nil" end
string.format = function() error({ code = 0, message = "" }, 0) end
return m
