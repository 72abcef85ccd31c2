-- zerocap.lua - a zero cache capacity (line 4).
local dk = require "designkit"
local m = dk.model "zerocap"
m:cache "redis" { capacity = 0 }
return m
