-- hostile: a thread tries os.execute: the sandbox holds inside threads
-- command: run {}
-- exit: 2
-- stderr: os.execute is not allowed in the sandbox (run designkit with --unsafe to allow it)
-- absent: pwned
local dk = require "designkit"
local t = dk.thread(function() os.execute("touch pwned") end)
t:join()
return dk.model "never"
