-- badduration.lua - a duration in a unit designkit does not know (line 4).
local dk = require "designkit"
local m = dk.model "badduration"
m:cache "redis" { ttl = "5 parsecs" }
return m
