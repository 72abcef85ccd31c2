-- engine_error.lua - run as a plain script under DESIGNKIT_MAX_MEMORY: m:run fails in the
-- engine, and what it raises is an error object that keeps the status. With the argument
-- "raise" the object is raised again, uncaught, for the host to map to its exit code.
local dk = require "designkit"
local m = dk.model "flood"
local users = m:client "users" { rate = 10000 }
local api = m:service "api" { workers = 1, time = "1ms" }
m:links { users >> api }

local ok, e = pcall(function() return m:run { duration = "1h" } end)
assert(not ok, "the run should have run out of memory")
assert(type(e) == "table", "an error object, not a " .. type(e))
assert(e.status == "nomem", "status: " .. tostring(e.status))
assert(tostring(e) == e.message, "__tostring gives the message")
assert(e.message:find("engine_error.lua:10: model \"flood\": out of memory", 1, true), e.message)
assert(getmetatable(e).__name == "designkit.error", "its metatable is designkit.error")
local plain_ok, plain = pcall(function() error("a plain error") end)
assert(not plain_ok and type(plain) == "string", "a plain Lua error stays a string")
print("status " .. e.status .. ": " .. e.message)
if ... == "raise" then
  error(e)
end
return 0
