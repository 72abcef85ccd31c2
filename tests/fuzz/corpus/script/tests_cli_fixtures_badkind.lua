-- badkind.lua - a component of a kind designkit does not have (line 4).
local dk = require "designkit"
local m = dk.model "badkind"
m:component("teleporter", "beam")
return m
