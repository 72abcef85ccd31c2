-- Run with: designkit run models/hld/url_shortener.lua
-- A URL shortener (the classic HLD exercise): 100M users resolve short links far more often
-- than they create them. Reads go through a Redis cache in front of the URL database (cache
-- aside); writes go to the database and invalidate the cache.
local dk = require "designkit"

local m = dk.model "url-shortener"

-- Back of the envelope: ~11.6k reads/s and ~116 writes/s on average, 3x at peak, 8.3 TiB
-- of URLs over five years.
local est = dk.estimate { users = 100e6, reads_per_user = 10, writes_per_user = 0.1,
                          peak = 3, record = "500B", retention = "5y" }

local east = m:group "us-east" { kind = "region" }
local zone_a = east:group "us-east-1a" { kind = "zone" }
local zone_b = east:group "us-east-1b" { kind = "zone" }

local users = m:client "users" { rate = est.peak_qps, mix = { resolve = 0.99, shorten = 0.01 },
                                 keys = dk.zipf { n = 1e6, s = 0.99 } }
local lb = east:balancer "lb" { algorithm = "least_connections" }
local api_a = zone_a:service "api-a" { replicas = 4, workers = 32, time = dk.exp "2ms" }
local api_b = zone_b:service "api-b" { replicas = 4, workers = 32, time = dk.exp "2ms" }
local cache = zone_a:cache "redis" { capacity = 200000, policy = "lru", ttl = "1h",
                                     workers = 64, time = dk.exp "200us" }
local db = zone_a:database "urls" { replicas = 2, replication = "async", lag = dk.exp "50ms",
                                    workers = 64, time = dk.lognormal("4ms", 0.5) }

_ = users >> lb >> { api_a, api_b }
m:link(api_a, { cache, db }, { latency = dk.constant "200us" })
m:link(api_b, { cache, db }, { latency = dk.uniform("500us", "1ms") }) -- across zones

for _, api in ipairs { api_a, api_b } do
  api:route("resolve", dk.cache_aside(cache, db))
  api:on("shorten", function(req)
    db:write(req.key)
    cache:invalidate(req.key)
  end)
end

m:expect { p99 = "50ms", availability = 0.999 }
m:expect { class = "resolve", p50 = "10ms" }
return m
