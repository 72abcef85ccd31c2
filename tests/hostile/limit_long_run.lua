-- hostile: a simulation that would run for hours (10^7 requests a second for 1000h), all in C
-- command: run {} --for 1000h --max-time 2s --json report.json
-- exit: 2
-- stderr: designkit: limit_long_run.lua: stopped after 2s: the time limit (--max-time 2s; raise it with --max-time 12s or --max-time none)
-- absent: report.json
local dk = require "designkit"
local m = dk.model "busy"
local users = m:client "users" { rate = 1e7 }
local api = m:service "api" { workers = 100, time = dk.exp "1us" }
m:links { users >> api }
return m
