-- noreturn.lua - builds a model and forgets to return it.
local dk = require "designkit"
local m = dk.model "noreturn"
m:client "users" { rate = "10/s" }
