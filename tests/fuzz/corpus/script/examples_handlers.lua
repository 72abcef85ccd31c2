-- Run with: designkit run examples/handlers.lua
-- A Lua handler is ordinary sequential code: each component call waits for its reply (the
-- handler runs as a coroutine and the simulation goes on meanwhile).
local dk = require "designkit"

local m = dk.model "handlers"
local users = m:client "users" { rate = 300, mix = { profile = 0.9, update = 0.1 },
                                 keys = dk.zipf { n = 10000, s = 1.0 } }
local api = m:service "api" { replicas = 2, workers = 16, time = dk.exp "1ms" }
local cache = m:cache "cache" { capacity = 2000, ttl = "5m" }
local db = m:database "db" { workers = 32, time = dk.exp "8ms" }
local audit = m:queue "audit" { time = dk.constant "200us" }
_ = users >> api
_ = api >> { cache, db, audit }

api:on("profile", function(req)
  local hit = cache:get(req.key)     -- true on a hit
  if not hit then
    if not db:read(req.key) then return false end -- a failed read fails the request
    cache:set(req.key)
  end
end)

api:on("update", function(req)
  db:write(req.key)
  cache:invalidate(req.key)
  audit:call()                       -- the request's own key when none is given
end)

m:expect { class = "profile", p99 = "80ms" }
return m
