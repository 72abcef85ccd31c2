-- link_statement.lua - a link written as a statement (line 6): Lua cannot parse it.
local dk = require "designkit"
local m = dk.model "link-statement"
local users = m:client "users" { rate = 10 }
local api = m:service "api" {}
users >> api
return m
