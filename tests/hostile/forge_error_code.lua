-- hostile: throws a table that looks like the host's own "exit 0"
-- exit: 2
local dk = require "designkit"
local m = dk.model "thrower"
m:client "users" {}
error({ code = 0, message = "" }, 0)
