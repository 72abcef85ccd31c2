-- overload.lua - a service that cannot keep up and says so: 300 requests a second into one
-- worker that serves about 200, with room for 2 waiting (the rest are rejected), and a "write"
-- handler that fails one request in two. The after-run drawing outlines api in red; the
-- report counts its rejected and failed requests, and the availability expectation fails.
local dk = require "designkit"
local m = dk.model "overload"

local users = m:client "users" { rate = "300/s", mix = { read = 0.8, write = 0.2 } }
local api = m:service "api" { workers = 1, queue = 2, time = dk.exp "5ms" }
local db = m:database "db" { replicas = 2, time = dk.exp "2ms" }
local spare = m:database "spare" {}
m:link(users, api)
m:link(api, spare) -- never called: an idle link
api:route("read", dk.call(db))
local n = 0
api:on("write", function(req)
  db:write(req.key)
  n = n + 1
  return n % 2 == 0 -- every other write fails
end)

m:expect { p99 = "50ms", availability = "99.9%" } -- the latency holds, the availability cannot

return m
