-- hostile: keeps a handler's coroutine after it returned and runs its own code on it while it waits in the run's pool
-- exit: 2
-- stderr: misc_coroutine_resumed_idle.lua:12: service "api" handler for "keep"
-- stderr: a handler's coroutine was resumed or closed from outside the run
local dk = require "designkit"
local m = dk.model "hijack"
local users = m:client "users" { rate = 50, mix = { keep = 1, use = 1 } }
local api = m:service "api" { workers = 100 }
local db = m:database "db" { time = dk.constant "200ms", workers = 100 }
m:links { users >> api, api >> db }
local kept
api:on("keep", function() kept = coroutine.running() end)
api:on("use", function()
  db:read(1)
  if kept and kept ~= coroutine.running() and coroutine.status(kept) == "suspended" then
    coroutine.resume(kept, function() coroutine.yield() end) -- parks a foreign frame on it
  end
end)
return m
