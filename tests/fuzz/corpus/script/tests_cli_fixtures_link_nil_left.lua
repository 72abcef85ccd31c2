-- link_nil_left.lua - a link from a name not made yet (line 5): the left operand is nil.
local dk = require "designkit"
local m = dk.model "link-nil-left"
local api = m:service "api" {}
m:links { users >> api }
local users = m:client "users" { rate = 10 }
return m
