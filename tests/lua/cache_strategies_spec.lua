-- cache_strategies_spec: a cache's strategy and the cdn kind in a design, their counts in the
-- run's result checked against counts worked out here.
local dk = require "designkit"

local function component(r, name)
  for _, c in ipairs(r.components) do
    if c.name == name then return c end
  end
end

-- users -> api; reads go to the cache, writes through a handler to the cache too: the cache's
-- strategy alone decides what reaches the db.
local function design(cache_options)
  local m = dk.model "strategies"
  local users = m:client "users" { rate = 200, mix = { read = 0.8, write = 0.2 },
                                   keys = dk.zipf { n = 100, s = 1 } }
  local api = m:service "api" { workers = 64, time = dk.exp "1ms" }
  local cache = m:cache "cache" (cache_options)
  local db = m:database "db" { workers = 64, time = dk.exp "5ms" }
  _ = users >> api
  _ = cache >> db
  api:route("read", dk.call(cache))
  api:on("write", function(req) cache:write(req.key) end)
  return m
end

local function class(r, name)
  for _, c in ipairs(r.classes) do
    if c.name == name then return c end
  end
end

describe("cache strategies", function()
  it("write_through sends every write to the store, and reads of it never go stale", function()
    local r = design { strategy = "write_through", capacity = 1000 }:run { duration = "20s", seed = 2 }
    local cache, db = component(r, "cache"), component(r, "db")
    local writes = class(r, "write").completed
    expect(writes):to_be_greater_than(100)
    expect(cache.store_writes):to_be(writes)
    expect(cache.stale_reads):to_be(0)
    expect(cache.lost_writes):to_be(0)
    -- the db sees the writes and one read per miss, the cache holding all 100 keys
    local misses = cache.arrivals - writes - math.floor(cache.hit_ratio * (cache.arrivals - writes) + 0.5)
    expect(misses <= 100):to_be_truthy()
    expect(db.arrivals):to_be(writes + misses)
  end)

  it("write_around with on_write = keep reads stale values; with invalidate it does not", function()
    local keep = design { strategy = "write_around", on_write = "keep" }:run { duration = "20s", seed = 2 }
    expect(component(keep, "cache").stale_reads):to_be_greater_than(0)
    local inv = design { strategy = "write_around" }:run { duration = "20s", seed = 2 }
    expect(component(inv, "cache").stale_reads):to_be(0)
  end)

  it("write_behind loses the unflushed writes in a crash", function()
    local r = design { strategy = "write_behind", flush = "10s", batch = 1000, crash_at = "15s" }
      :run { duration = "20s", seed = 2 }
    local cache = component(r, "cache")
    -- two flushes, one store call each (batch 1000 > the writes in a window): at 10 s, of every
    -- write before it, and at 20 s, of those after the crash
    expect(cache.store_writes):to_be(2)
    -- the writes from 10 s to 15 s: Poisson, 40/s, so 200 +- 14 (the exact count is
    -- tests/core/test_cache_strategies.c's)
    expect(cache.lost_writes):to_be_greater_than(150)
    expect(cache.lost_writes):to_be_less_than(250)
  end)

  it("an aside cache reports no strategy counts", function()
    local r = design { capacity = 10 }:run { duration = "2s", seed = 1 }
    expect(component(r, "cache").stale_reads):to_be(nil)
  end)

  it("a strategy without a store is an error naming the cache", function()
    local m = dk.model "lonely"
    local users = m:client "users" { rate = 10 }
    local cache = m:cache "c" { strategy = "read_through" }
    _ = users >> cache
    expect(function() m:run { duration = "1s" } end)
      :to_fail('cache "c": strategy read_through needs a store')
  end)

  it("an unknown strategy lists the valid ones", function()
    local m = dk.model "typo"
    expect(function() m:cache "c" { strategy = "write_behnd" } end):to_fail("write_behind")
  end)
end)

describe("cdn", function()
  -- One object asked 10 times a second, evenly; it lives 0.95 s at the edge, so every tenth
  -- request finds it expired and goes to the origin: a hit ratio of 1 - ceil(n / 10) / n.
  it("has the hit ratio its TTL gives", function()
    local m = dk.model "edge"
    local users = m:client "users" { rate = 10, arrivals = "constant", keys = dk.constant(7) }
    local cdn = m:cdn "cdn" { ttl = "950ms", time = "1us" }
    local origin = m:service "origin" { time = "1us" }
    _ = users >> cdn >> origin
    local r = m:run { duration = "100s", seed = 1 }
    local c, o = component(r, "cdn"), component(r, "origin")
    local n = c.completed -- the lookups answered
    expect(n):to_be_greater_than(990)
    expect(o.arrivals):to_be(math.ceil(n / 10))
    expect(c.hit_ratio):to_be_near(1 - math.ceil(n / 10) / n, 1e-12)
  end)

  it("needs an origin", function()
    local m = dk.model "no-origin"
    local users = m:client "users" { rate = 10 }
    local cdn = m:cdn "cdn" {}
    _ = users >> cdn
    expect(function() m:run { duration = "1s" } end):to_fail('cdn "cdn": has no origin')
  end)
end)
