-- handler_vs_flow.lua - one design run with a built-in flow and with a Lua handler doing the
-- same calls, timed around m:run (designkit --unsafe handler_vs_flow.lua MODE N [SEED]).
--   flow     api:route("get", dk.cache_aside(cache, db))
--   handler  the same cache-aside written as a Lua handler
--   plain    a service with one link and no route (it calls the db once)
--   trivial  a Lua handler making that one call
-- Prints "MODE requests/s events total-completed": a pair ran with the same seed makes the same
-- calls, so the last two columns match within a pair (flow/handler, plain/trivial).
local dk = require "designkit"
local mode = arg and arg[1] or "flow"
local n = tonumber(arg and arg[2]) or 1000000
local seed = tonumber(arg and arg[3]) or 1

local m = dk.model "handler_vs_flow"
local users = m:client "users" { rate = 2000, mix = { get = 1 }, keys = dk.zipf(10000, 1.0) }
local api = m:service "api" { workers = 16, time = dk.exp "1ms" }
local cache = m:cache "cache" { capacity = 1000 }
local db = m:database "db" { workers = 64, time = dk.exp "5ms" }
_ = users >> api

if mode == "flow" then
  api:route("get", dk.cache_aside(cache, db))
elseif mode == "handler" then
  _ = api >> { cache, db }
  api:on("get", function(req)
    local k = req.key
    if not cache:get(k) then
      db:read(k)
      cache:set(k)
    end
  end)
elseif mode == "plain" then
  _ = api >> db
elseif mode == "trivial" then
  _ = api >> db
  api:on("get", function(req) db:call(req.key) end)
else
  error("mode must be flow, handler, plain or trivial, not " .. tostring(mode))
end

local t0 = os.clock()
local r = m:run { duration = "100y", requests = n, seed = seed }
local elapsed = os.clock() - t0
print(string.format("%s %.0f %d %d", mode, n / elapsed, r.events, r.total.completed))
