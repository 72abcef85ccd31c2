-- misspelt_key.lua - an option key one letter off (line 4).
local dk = require "designkit"
local m = dk.model "misspelt-key"
m:service "api" { replicas = 2, workrs = 8 }
return m
