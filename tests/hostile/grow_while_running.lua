-- hostile: a handler adds a component mid-run and calls it (wrote past the run's actors)
-- exit: 2
-- stderr: grow_while_running.lua:
-- stderr: is running: it cannot change
local dk = require "designkit"
local m = dk.model "grow"
local users = m:client "users" { rate = 10 }
local api = m:service "api" {}
m:links { users >> api }
api:on("request", function(req)
  local extra = m:service "extra" {}
  m:link { api >> extra }
  return req:call(extra)
end)
return m
