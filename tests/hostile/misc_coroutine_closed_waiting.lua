-- hostile: closes another request's handler coroutine while it waits; its reply comes later
-- exit: 2
-- stderr: misc_coroutine_closed_waiting.lua:13: service "api" handler for "slow"
-- stderr: a handler's coroutine was resumed or closed from outside the run
local dk = require "designkit"
local m = dk.model "hijack"
local users = m:client "users" { rate = 50, mix = { slow = 1, fast = 1 } }
local api = m:service "api" { workers = 100 }
local db = m:database "db" { time = dk.constant "200ms", workers = 100 }
m:links { users >> api, api >> db }
local waiting
api:on("slow",
  function(req) waiting = coroutine.running(); db:read(req.key) end)
api:on("fast", function()
  if waiting and coroutine.status(waiting) == "suspended" then coroutine.close(waiting) end
end)
return m
