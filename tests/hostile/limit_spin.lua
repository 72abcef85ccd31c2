-- hostile: an endless loop at load time (while true do end) runs until the time limit
-- command: run {} --max-time 2s
-- exit: 2
-- stderr: designkit: limit_spin.lua:6: stopped after 2s: the time limit (--max-time 2s; raise it with --max-time 12s or --max-time none)
local dk = require "designkit"
while true do end
return dk.model "never"
