-- hostile: a queue that grows without end (10^4 requests/s into 10^3/s), overload check off
-- (--overload off): the memory limit stops it
-- command: run {} --for 1000h --overload off --max-memory 64MiB --max-time 60s --json report.json
-- exit: 2
-- stderr: designkit: limit_queue_memory.lua: stopped at 64MiB: the memory limit (--max-memory 64MiB; raise it with --max-memory 256MiB or --max-memory none)
-- absent: report.json
local dk = require "designkit"
local m = dk.model "flood"
local users = m:client "users" { rate = 10000 }
local api = m:service "api" { workers = 1, time = "1ms" }
m:links { users >> api }
return m
