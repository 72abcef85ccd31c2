-- link_nil.lua - a link to a misspelt name (line 6): the right operand is nil.
local dk = require "designkit"
local m = dk.model "link-nil"
local users = m:client "users" { rate = 10 }
local api = m:service "api" {}
m:links { users >> apii }
return m
