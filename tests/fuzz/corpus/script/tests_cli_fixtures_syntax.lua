-- syntax.lua - a syntax error on line 5.
local dk = require "designkit"
local m = dk.model "syntax"

local users = m:client "users" { rate = "10/s" ]
return m
