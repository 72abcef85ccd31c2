-- Run with: designkit run examples/routing.lua
-- Routing by class: a request goes only where a route or handler for its class exists. The
-- balancer sends every read to the readers and every write to the writer; the report shows
-- reader and writer serving 90% and 10% of the requests.
local dk = require "designkit"

local m = dk.model "routing"
local users = m:client "users" { rate = 500, mix = { read = 9, write = 1 } }
local lb = m:balancer "lb" { replicas = 2 }
local reader = m:service "reader" { replicas = 3, workers = 8, time = dk.exp "2ms" }
local writer = m:service "writer" { replicas = 2, workers = 4, time = dk.exp "5ms" }
local db = m:database "db" { replicas = 2, workers = 32, time = dk.exp "1ms" }
m:links { users >> lb >> { reader, writer }, writer >> db }

reader:route("read", dk.call(db))          -- reader takes read, and nothing else
writer:on("write", function(req)            -- writer takes write
  if not db:write(req.key) then return false end
end)

m:expect { availability = 0.999 }
return m
