-- Run with: designkit examples/cache_aside.lua
-- Cache-aside in front of a database: how the hit ratio and latency grow with the cache's size.
local dk = require "designkit"

local function design(capacity)
  local m = dk.model "cache-aside"
  local users = m:client "users" { rate = 2000, mix = { read = 1 }, keys = dk.zipf { n = 100000, s = 0.9 } }
  local api = m:service "api" { replicas = 2, workers = 32, time = dk.exp "1ms" }
  local cache = m:cache "cache" { capacity = capacity, policy = "lru", ttl = "10m" }
  local db = m:database "db" { workers = 64, time = dk.exp "10ms" }
  _ = users >> api
  api:route("read", dk.cache_aside(cache, db)) -- GET the cache; on a miss READ the db, then SET
  return m
end

print(string.format("%10s  %9s  %9s  %9s", "capacity", "hit ratio", "mean", "p99"))
for _, capacity in ipairs { 100, 1000, 10000, 50000 } do
  local r = design(capacity):run { duration = "30s", seed = 1 }
  local cache
  for _, c in ipairs(r.components) do if c.name == "cache" then cache = c end end
  print(string.format("%10d  %8.1f%%  %9s  %9s", capacity, cache.hit_ratio * 100,
    dk.format_duration(r.total.latency.mean), dk.format_duration(r.total.latency.p99)))
end
