-- negcap.lua - a negative cache capacity (line 4).
local dk = require "designkit"
local m = dk.model "negcap"
m:cache "redis" { capacity = -5 }
return m
