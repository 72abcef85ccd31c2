-- hostile: a thread raises an error object whose __tostring raises too
-- command: run {}
-- exit: 2
-- stderr: (error object is a table value whose __tostring failed: thread_error_tostring.lua:7: and again
local dk = require "designkit"
local t = dk.thread(function()
  error(setmetatable({}, { __tostring = function() error("and again") end }))
end)
t:join()
return dk.model "never"
