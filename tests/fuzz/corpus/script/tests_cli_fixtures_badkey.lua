-- badkey.lua - an option no service has (line 4).
local dk = require "designkit"
local m = dk.model "badkey"
m:service "api" { replicas = 2, colour = "red" }
return m
