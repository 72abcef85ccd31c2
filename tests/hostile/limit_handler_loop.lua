-- hostile: a handler called by the simulator loops for ever, and catches what stops it
-- command: run {} --max-time 2s --json report.json
-- exit: 2
-- stderr: limit_handler_loop.lua:13: stopped after 2s: the time limit (--max-time 2s; raise it with --max-time 12s or --max-time none)
-- absent: report.json
local dk = require "designkit"
local m = dk.model "spin"
local users = m:client "users" { rate = 10 }
local api = m:service "api" {}
m:links { users >> api }
api:on("request", function(req)
  while true do
    pcall(function() while true do end end)
  end
end)
return m
