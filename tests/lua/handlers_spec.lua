-- handlers_spec: Lua handlers run as coroutines that call other components.
local dk = require "designkit"

local function design(handler)
  local m = dk.model "h"
  local c = m:client "c" { rate = 200, mix = { w = 1 }, keys = dk.zipf(100, 1) }
  local api = m:service "api" { workers = 8, time = dk.exp "1ms" }
  local cache = m:cache "cache" { capacity = 100 }
  local db = m:database "db" { time = dk.constant "4ms", workers = 64 }
  _ = c >> api >> { cache, db } -- a handler calls only along its service's links
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

  -- Coroutines are pooled: one that finished a request serves a later one. None of that may show.

  it("give each request a req table of its own", function()
    local reqs = {}
    design(function(req, cache)
      reqs[#reqs + 1] = req
      req.mine = #reqs -- a handler may write to its req
      cache:get(req.key)
    end):run { duration = "2s" }
    expect(#reqs):to_be_greater_than(100)
    local ids = {}
    for i, req in ipairs(reqs) do
      expect(req.mine):to_be(i)
      expect(req.class):to_be("w")
      expect(ids[req.id]):to_be(nil)
      ids[req.id] = true
    end
  end)

  it("name the class of each request in req.class", function()
    local m = dk.model "classes"
    local c = m:client "c" { rate = 500, mix = { a = 1, b = 2, c = 3 } }
    local api = m:service "api" { workers = 4, time = dk.exp "1ms" }
    local db = m:database "db" { time = dk.exp "2ms", workers = 8 }
    _ = c >> api >> db
    local seen = {}
    for _, cls in ipairs { "a", "b", "c" } do
      seen[cls] = 0
      api:on(cls, function(req)
        expect(req.class):to_be(cls)
        seen[cls] = seen[cls] + 1
        db:read()
      end)
    end
    local r = m:run { duration = "2s" }
    expect(seen.a + seen.b + seen.c):to_be(r.total.created)
    expect(seen.c):to_be_greater_than(seen.a)
  end)

  it("keep serving after errors caught inside a handler", function()
    local n = 0
    local r = design(function(req, cache, db)
      local ok = pcall(error, "caught")
      assert(not ok)
      local called, hit = pcall(cache.get, cache, req.key) -- a call may wait inside pcall
      assert(called)
      if not hit then db:read(req.key) end
      n = n + 1
    end):run { duration = "5s" }
    expect(n):to_be(r.total.created)
    expect(r.total.completed):to_be(n)
  end)

  it("report an error in a later request as in the first", function()
    local n, at = 0, nil
    local m = design(function(req, cache)
      cache:get(req.key)
      n = n + 1
      if n == 300 then at = here(); error("late") end
    end)
    local ok, err = pcall(m.run, m, { duration = "10s" })
    expect(ok):to_be(false)
    expect(err):to_match(at .. 'service "api" handler for "w": late')
  end)

  it("start clean after a run stopped by a handler error", function()
    local boom = true
    local function make()
      return design(function(req, cache, db)
        if not cache:get(req.key) then db:read(req.key); cache:set(req.key) end
        if boom and req.id > 50 then error("boom") end
      end)
    end
    local m = make()
    expect(function() m:run { duration = "5s", seed = 3 } end):to_fail("boom")
    boom = false
    local again = m:run { duration = "5s", seed = 3 }:json()
    expect(again):to_be(make():run { duration = "5s", seed = 3 }:json())
  end)

  it("start clean after a run cut off mid-handler", function()
    local m = design(function(req, cache, db)
      db:read(req.key)
      db:write(req.key)
    end)
    local first = m:run { duration = "1s", seed = 5 }
    expect(first.in_flight):to_be_greater_than(0)
    expect(m:run { duration = "1s", seed = 5 }:json()):to_be(first:json())
  end)
end)
