-- hostile: a client rate so small its gap overflows: found when the model is built, named at the component's line
-- exit: 2
-- stderr: misc_build_error_line.lua:7: client "users": rate is too small
local dk = require "designkit"
local m = dk.model "tiny"
local api = m:service "api" {}
local users = m:client "users" { rate = 1e-320 }
m:link(users, api)
return m
