-- hostile: a thread handle passed into another thread (which could join it from there)
-- command: run {}
-- exit: 2
-- stderr: thread_handle_passed.lua:7: dk.thread: argument 2: a userdata that is not a shared designkit object cannot cross to another thread
local dk = require "designkit"
local first = dk.thread(function() return 1 end)
dk.thread(function(t) return t:join() end, first)
return dk.model "never"
