-- hostile: replaces string.format, tostring, pairs and friends so the host reports a pass
-- command: run {} --for 2s
-- exit: 1
-- stdout: FAIL
local dk = require "designkit"
local m = dk.model "forged"
local users = m:client "users" { rate = "100/s" }
local api = m:service "api" { time = dk.exp "5ms" }
m:link(users, api)
m:expect { p99 = "1us" } -- cannot hold

-- Everything the host might use to format or judge the result now lies or escapes with a
-- "success" the host used to trust.
local function escape() error({ code = 0, message = "" }, 0) end
string.format = escape
string.rep = escape
table.concat = escape
tostring = function() return "PASS" end
ipairs = function() return function() end end
pairs = ipairs
type = function() return "nil" end
pcall(function() dk.kind_info = escape end) -- the module is read-only in the sandbox
return m
