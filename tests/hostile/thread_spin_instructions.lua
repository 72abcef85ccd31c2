-- hostile: a thread that loops forever meets the instruction limit, counted over every state
-- command: run {} --max-instructions 1e7 --max-time 60s
-- exit: 2
-- stderr: stopped after 10000000 Lua instructions: the instruction limit (--max-instructions 1e7
local dk = require "designkit"
local t = dk.thread(function() local x = 0 while true do x = x + 1 end end)
t:join()
return dk.model "never"
