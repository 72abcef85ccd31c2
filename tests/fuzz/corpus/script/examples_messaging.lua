-- Run with: designkit run examples/messaging.lua
-- Queues and topics: the API answers as soon as an order is queued, workers take the orders in
-- turn and write them to the database; every order is also published to a topic whose
-- subscribers (email, analytics) each read it at their own pace, through their own queue.
local dk = require "designkit"

local m = dk.model "messaging"
local users = m:client "users" { rate = 200, mix = { order = 1 } }
local api = m:service "api" { replicas = 2, workers = 4, time = dk.exp "1ms" }
local orders = m:queue "orders" {
  consumers = 4,            -- messages handled at once
  enqueue = "0.2ms",        -- what the API waits for: the enqueue, not the work
  capacity = 1000,          -- messages waiting at most ...
  when_full = "reject",     -- ... then a new one is refused ("block", "drop_oldest")
  time = "0.1ms",
}
local worker = m:service "worker" { workers = 4, time = dk.exp "5ms" }
local db = m:database "db" { workers = 16, time = dk.exp "3ms" }
local events = m:topic "order-events" { consumers = 1, capacity = 5000 }
local email = m:service "email" { time = dk.exp "2ms" }
local analytics = m:service "analytics" { time = dk.exp "4.5ms" } -- 90% busy: it lags

m:links { users >> api, api >> { orders, events }, orders >> worker >> db,
          events >> { email, analytics } }

-- The API's handler: queue the order, publish the event; neither waits for the work behind.
api:on("order", function(req)
  orders:call(req.key)
  events:call(req.key)
end)

m:expect { p99 = "25ms" }
return m
