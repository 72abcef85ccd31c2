-- Run with: designkit examples/expectations.lua
-- Expectations are the design's own SLOs; each run checks them. One here is meant to fail.
local dk = require "designkit"

local m = dk.model "slo"
local users = m:client "users" { rate = 900, mix = { search = 0.7, checkout = 0.3 } }
local api = m:service "api" { workers = 4, time = dk.exp "4ms" }
_ = users >> api

m:expect { p99 = "100ms", availability = "99.9%" }         -- all classes together
m:expect { class = "checkout", mean = "30ms", throughput = "250/s" }
m:expect { utilisation = 0.8 }                               -- 900/s x 4ms / 4 workers = 90%: fails

local r = m:run { duration = "60s" }
for _, e in ipairs(r.expectations) do
  print(e.ok and "ok    " or "FAILED", e.text)
end
print(r.ok and "all expectations met" or "some expectations failed")
