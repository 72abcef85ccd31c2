-- hostile: a thread that loops forever, joined by the script, runs until the time limit
-- command: run {} --max-time 2s
-- exit: 2
-- stderr: stopped after 2s: the time limit (--max-time 2s; raise it with --max-time 12s or --max-time none)
local dk = require "designkit"
local t = dk.thread(function() while true do end end)
t:join()
return dk.model "never"
