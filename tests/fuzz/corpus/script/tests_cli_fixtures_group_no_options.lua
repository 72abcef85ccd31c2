-- group_no_options.lua - a group made without its option table, then used (issue 6): it is a
-- plain group, and its components are in it.
local dk = require "designkit"
local m = dk.model "group-no-options"
local eu = m:group "eu"
local users = m:client "users" { rate = 10 }
local api = eu:service "api" {}
m:links { users >> api }
return m
