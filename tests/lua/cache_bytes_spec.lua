-- cache_bytes_spec: a design's cache (and cdn) counted in bytes: the same run as an entry
-- cache when every object weighs the same, its byte figures in the result, and bad input
-- named by file:line, component and field.
local dk = require "designkit"

local function component(r, name)
  for _, c in ipairs(r.components) do
    if c.name == name then return c end
  end
end

-- users -> api -> cache_aside(cache, db), Zipf keys: the cache's options decide the hits.
local function design(cache_options)
  local m = dk.model "bytes"
  local users = m:client "users" { rate = 500, keys = dk.zipf { n = 2000, s = 0.9 } }
  local api = m:service "api" { workers = 64, time = dk.exp "1ms" }
  local cache = m:cache "cache" (cache_options)
  local db = m:database "db" { workers = 64, time = dk.exp "5ms" }
  _ = users >> api
  api:route("request", dk.cache_aside(cache, db))
  return m
end

-- The error of `f`, which must name this file and a line, then `message` (plain text).
local function fails_here(f, message)
  local ok, err = pcall(f)
  expect(ok):to_be(false)
  err = tostring(err)
  local line = err:match("cache_bytes_spec%.lua:(%d+): ")
  expect(line ~= nil):to_be_truthy()
  expect(err:find(message, 1, true) ~= nil):to_be_truthy()
end

describe("a cache counted in bytes", function()
  it("with objects of one size scores as the entry cache it stands for", function()
    local entries = design { capacity = 150 }:run { duration = "20s", seed = 4 }
    local bytes = design { bytes = 150 * 4096, object_size = "4KiB" }:run { duration = "20s", seed = 4 }
    local e, b = component(entries, "cache"), component(bytes, "cache")
    expect(e.hit_ratio):to_be_greater_than(0.3)
    expect(e.hit_ratio):to_be_less_than(0.9)
    expect(b.hit_ratio):to_be(e.hit_ratio)
    expect(b.arrivals):to_be(e.arrivals)
    expect(b.bytes_capacity):to_be(150 * 4096)
    expect(b.bytes_used):to_be(150 * 4096)
    expect(b.too_big):to_be(0)
    expect(e.bytes_capacity):to_be(nil) -- an entry cache has no byte figures
  end)

  it("the default object is 1 KiB", function()
    local r = design { bytes = "100KiB" }:run { duration = "10s", seed = 1 }
    local c = component(r, "cache")
    expect(c.bytes_used):to_be(100 * 1024)
    expect(c.bytes_peak):to_be(100 * 1024)
  end)

  it("holds fewer objects as they grow: the hit ratio falls", function()
    local small = design { bytes = "1MiB", object_size = "2KiB" }:run { duration = "20s", seed = 2 }
    local large = design { bytes = "1MiB", object_size = dk.uniform(4096, 12288) }
      :run { duration = "20s", seed = 2 }
    expect(component(large, "cache").hit_ratio)
      :to_be_less_than(component(small, "cache").hit_ratio)
  end)

  it("never stores an object larger than itself, and counts it", function()
    local r = design { bytes = "64KiB", object_size = dk.empirical({ 1024, 1e6 }, { 9, 1 }) }
      :run { duration = "10s", seed = 3 }
    local c = component(r, "cache")
    expect(c.too_big):to_be_greater_than(100)
    expect(c.bytes_peak <= 64 * 1024):to_be_truthy()
  end)

  it("runs the same twice: a key keeps its size", function()
    local opts = { bytes = "256KiB", object_size = dk.uniform(512, 8192) }
    local a = component(design(opts):run { duration = "5s", seed = 9 }, "cache")
    local b = component(design(opts):run { duration = "5s", seed = 9 }, "cache")
    expect(a.bytes_used):to_be(b.bytes_used)
    expect(a.hit_ratio):to_be(b.hit_ratio)
  end)

  it("reaches the cdn kind too", function()
    local m = dk.model "edge"
    local users = m:client "users" { rate = 100, keys = dk.zipf { n = 500, s = 1 } }
    local cdn = m:cdn "cdn" { bytes = "1MiB", object_size = "64KiB", time = "1us" }
    local origin = m:service "origin" { time = "1us" }
    _ = users >> cdn >> origin
    local c = component(m:run { duration = "10s", seed = 1 }, "cdn")
    expect(c.bytes_capacity):to_be(1024 * 1024)
    expect(c.bytes_used):to_be(16 * 64 * 1024) -- 16 objects fill it
  end)
end)

describe("bad byte options", function()
  it("an unknown unit", function()
    local m = dk.model "bad"
    fails_here(function() m:cache "redis" { bytes = "64Mib" } end,
               'cache "redis": bytes: invalid size "64Mib": unknown unit "Mib"')
  end)

  it("a negative size", function()
    local m = dk.model "bad"
    fails_here(function() m:cache "redis" { bytes = -5 } end,
               'cache "redis": bytes must not be negative (got -5B)')
  end)

  it("an object of no size", function()
    local m = dk.model "bad"
    fails_here(function() m:cache "redis" { bytes = "1MiB", object_size = 0 } end,
               'cache "redis": object_size must be positive (got 0B)')
  end)

  it("a policy that counts entries, when the run is built", function()
    local m = design { bytes = "1MiB", policy = "arc" }
    fails_here(function() m:run { duration = "1s" } end,
               'cache "cache": bytes: cache policy "arc" cannot hold sized entries')
    expect(function() m:run { duration = "1s" } end)
      :to_fail("needs one of lru, lfu, perfect_lfu, fifo, lifo, mru, random")
  end)

  it("capacity and bytes both set", function()
    local m = design { bytes = "1MiB", capacity = 100 }
    expect(function() m:run { duration = "1s" } end)
      :to_fail('cache "cache": capacity and bytes are both set')
  end)

  it("object_size without bytes", function()
    local m = design { object_size = "4KiB" }
    expect(function() m:run { duration = "1s" } end)
      :to_fail('cache "cache": object_size needs bytes')
  end)
end)
