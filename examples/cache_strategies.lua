-- Run with: designkit examples/cache_strategies.lua
-- A cache's strategies side by side (what reaches the db, stale reads, writes lost in a crash),
-- then a cdn's hit ratio against its TTL.
local dk = require "designkit"

local function component(r, name)
  for _, c in ipairs(r.components) do
    if c.name == name then return c end
  end
end

-- Reads go to the cache; writes go to the cache as well, and its strategy decides the rest.
local function design(options)
  local m = dk.model "strategies"
  local users = m:client "users" { rate = 1000, mix = { read = 0.9, write = 0.1 },
                                   keys = dk.zipf { n = 10000, s = 0.9 } }
  local api = m:service "api" { workers = 64, time = dk.exp "1ms" }
  local cache = m:cache "cache" (options)
  local db = m:database "db" { workers = 64, time = dk.exp "5ms" }
  _ = users >> api
  _ = cache >> db -- the store behind the cache
  api:route("read", dk.call(cache))
  api:on("write", function(req) cache:write(req.key) end)
  return m
end

local cases = {
  { "read_through", { strategy = "read_through", capacity = 2000 } },
  { "write_through", { strategy = "write_through", capacity = 2000 } },
  { "write_behind", { strategy = "write_behind", capacity = 2000, flush = "1s", batch = 50 } },
  { "write_behind, crash", { strategy = "write_behind", capacity = 2000, flush = "1s", batch = 50,
                             crash_at = "10500ms" } },
  { "write_around", { strategy = "write_around", capacity = 2000 } },
  { "write_around, keep", { strategy = "write_around", capacity = 2000, on_write = "keep" } },
}

print(string.format("%-20s %9s %9s %9s %9s %9s", "strategy", "hit ratio", "db calls", "stored",
  "stale", "lost"))
for _, case in ipairs(cases) do
  local r = design(case[2]):run { duration = "20s", seed = 1 }
  local cache, db = component(r, "cache"), component(r, "db")
  print(string.format("%-20s %8.1f%% %9d %9d %9d %9d", case[1], cache.hit_ratio * 100,
    db.arrivals, cache.store_writes, cache.stale_reads, cache.lost_writes))
end

-- A cdn in front of an origin: the longer objects live at the edge, the fewer reach the origin.
print()
print(string.format("%8s  %9s  %12s", "ttl", "hit ratio", "origin calls"))
for _, ttl in ipairs { "1s", "10s", "1m", "10m" } do
  local m = dk.model "edge"
  local users = m:client "users" { rate = 2000, keys = dk.zipf { n = 100000, s = 0.9 } }
  local cdn = m:cdn "cdn" { ttl = ttl, capacity = 20000 }
  local origin = m:service "origin" { workers = 256, time = dk.exp "20ms" }
  _ = users >> cdn >> origin
  local r = m:run { duration = "60s", seed = 1 }
  local c = component(r, "cdn")
  print(string.format("%8s  %8.1f%%  %12d", ttl, c.hit_ratio * 100, component(r, "origin").arrivals))
end
