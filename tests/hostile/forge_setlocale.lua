-- hostile: switches to a decimal-comma locale so the JSON report and drawings break
-- exit: 2
-- stderr: os.setlocale is not allowed in the sandbox
local dk = require "designkit"
local m = dk.model "comma"
m:client "users" {}
assert(os.setlocale() ~= nil) -- asking is fine
os.setlocale("de_DE.UTF-8")
return m
