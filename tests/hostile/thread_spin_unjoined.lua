-- hostile: a thread that loops forever and is never joined: the state's close waits for it, and the time limit stops it
-- command: run {} --max-time 2s
-- exit: 2
-- stderr: stopped after 2s: the time limit (--max-time 2s
local dk = require "designkit"
dk.thread(function() while true do end end)
local m = dk.model "small"
m:service "api" {}
return m
