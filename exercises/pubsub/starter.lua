-- pubsub: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every method below raises "not implemented": replace each body with your own.

local Broker, Subscription = {}, {}
Broker.__index, Subscription.__index = Broker, Subscription

--- Broker.new{ visibility = seconds, max_deliveries = n, clock = function() return now end }
function Broker.new(opts)
  error("not implemented: Broker.new", 2)
end

--- broker:subscribe(topic, name): a new subscription.
function Broker:subscribe(topic, name)
  error("not implemented: Broker:subscribe", 2)
end

--- broker:publish(topic, payload): the message id; every subscription of the topic gets it.
function Broker:publish(topic, payload)
  error("not implemented: Broker:publish", 2)
end

--- sub:poll([max]): visible messages { id, payload, attempt }, oldest first.
function Subscription:poll(max)
  error("not implemented: Subscription:poll", 2)
end

--- sub:ack(id): true when the message was held; it is gone for good.
function Subscription:ack(id)
  error("not implemented: Subscription:ack", 2)
end

--- sub:pending(): the number of messages held.
function Subscription:pending()
  error("not implemented: Subscription:pending", 2)
end

--- sub:dead_letters(): the dead-lettered messages { id, payload, attempts }.
function Subscription:dead_letters()
  error("not implemented: Subscription:dead_letters", 2)
end

return { Broker = Broker }
