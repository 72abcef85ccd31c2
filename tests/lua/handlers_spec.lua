-- handlers_spec: Lua handlers run as coroutines that call other components.
local dk = require "designkit"

local function design(handler)
  local m = dk.model "h"
  local c = m:client "c" { rate = 200, mix = { w = 1 }, keys = dk.zipf(100, 1) }
  local api = m:service "api" { workers = 8, time = dk.exp "1ms" }
  local cache = m:cache "cache" { capacity = 100 }
  local db = m:database "db" { time = dk.constant "4ms", workers = 64 }
  _ = c >> api
  api:on("w", function(req) return handler(req, cache, db) end)
  return m
end

describe("handlers", function()
  it("call components in sequence and see their replies", function()
    local seen = { hit = 0, miss = 0 }
    local r = design(function(req, cache, db)
      local hit, status = cache:get(req.key)
      seen[status] = seen[status] + 1
      if not hit then
        assert(db:read(req.key) == true)
        cache:set(req.key)
      end
    end):run { duration = "10s" }
    local by = {}
    for _, c in ipairs(r.components) do by[c.name] = c end
    expect(seen.hit + seen.miss):to_be(by.cache.completed - by.db.completed)
    expect(seen.hit):to_be_greater_than(seen.miss)
    expect(by.db.arrivals):to_be(seen.miss)
    expect(r.total.failed):to_be(0)
    -- a miss costs the db's 4ms on top of the service time
    expect(r.total.latency.max):to_be_greater_than(0.004)
  end)

  it("get a req table with class, key, id and birth time", function()
    local got
    design(function(req) got = got or req end):run { duration = "1s" }
    expect(got.class):to_be("w")
    expect(math.type(got.key)):to_be("integer")
    expect(math.type(got.id)):to_be("integer")
    expect(got.born >= 0):to_be_truthy()
  end)

  it("fail the request by returning false", function()
    local r = design(function() return false end):run { duration = "1s" }
    expect(r.total.completed):to_be(0)
    expect(r.total.failed):to_be_greater_than(100)
    expect(r.total.availability):to_be(0.0)
  end)

  it("stop the run on a runtime error naming the component and the class", function()
    local at
    local m = design(function(req, cache, db)
      db:write(req.key)
      local t = nil
      at = here(); return t.field
    end)
    local ok, err = pcall(m.run, m, { duration = "1s" })
    expect(ok):to_be(false)
    expect(err):to_match(at .. 'service "api" handler for "w": attempt to index a nil value')
  end)

  it("refuse a bare yield", function()
    local m = design(function() coroutine.yield() end)
    expect(function() m:run { duration = "1s" } end):to_fail("yielded without calling a component")
  end)

  it("run the same way twice with the same seed", function()
    local function go()
      return design(function(req, cache, db)
        if not cache:get() then db:read(); cache:set() end
      end):run { duration = "5s", seed = 9 }:json()
    end
    expect(go()):to_be(go())
  end)
end)
