-- hostile: returns a model it closed (the host called it through a path Lua cannot name: "bad argument #1 to '?'")
-- exit: 2
-- stderr: misc_closed_model_returned.lua: the script returned a model it had closed
local dk = require "designkit"
local m <close> = dk.model "closed"
m:client "users" { rate = 10 }
return m
