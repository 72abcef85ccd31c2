-- hostile: resumes another request's handler coroutine while it waits for its reply
-- exit: 2
-- stderr: misc_coroutine_resumed_waiting.lua:13: service "api" handler for "slow"
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
  if waiting and coroutine.status(waiting) == "suspended" then
    coroutine.resume(waiting, true, "ok") -- the reply it waits for, forged
  end
end)
return m
