-- Reference solution of the pubsub exercise (docs/exercises/pubsub.md).
--
-- A broker with topics and subscriptions. A topic is the subject of the observer pattern: it
-- keeps its subscriptions and notifies each of them when a message is published, knowing
-- nothing else about them. Each subscription is its own queue (fan-out): every subscriber gets
-- every message published after it subscribed, and acknowledges it independently.
--
-- Delivery is at least once, as in SQS: poll hands out visible messages and hides them for
-- `visibility` seconds; a message not acknowledged by then becomes visible again and is
-- delivered again. A message that was delivered `max_deliveries` times and still not
-- acknowledged goes to the subscription's dead-letter queue when its last visibility timeout
-- ends, so a message that always crashes its consumer ("poison") cannot block the queue. No
-- message is ever dropped: each one is acknowledged or dead-lettered.
--
-- Time comes from an injected clock. Timeouts are applied lazily, at the next call, as if each
-- had happened at its own deadline.

local Broker, Subscription = {}, {}
Broker.__index, Subscription.__index = Broker, Subscription

--- Broker.new{ visibility = seconds, max_deliveries = n, clock = function() return now end }
function Broker.new(opts)
  if type(opts) ~= "table" then error("options must be a table", 2) end
  if type(opts.visibility) ~= "number" or not (opts.visibility > 0) then
    error(string.format("visibility must be a positive number of seconds (got %s)",
      tostring(opts.visibility)), 2)
  end
  if math.type(opts.max_deliveries) ~= "integer" or opts.max_deliveries < 1 then
    error(string.format("max_deliveries must be a positive integer (got %s)",
      tostring(opts.max_deliveries)), 2)
  end
  if type(opts.clock) ~= "function" then error("clock must be a function returning seconds", 2) end
  return setmetatable({ visibility = opts.visibility, max_deliveries = opts.max_deliveries,
                        clock = opts.clock, topics = {}, last_id = 0 }, Broker)
end

local function check_topic(topic)
  if type(topic) ~= "string" or topic == "" then
    error(string.format("topic must be a non-empty string (got %s)", tostring(topic)), 3)
  end
end

--- broker:subscribe(topic, name): a new subscription of `name` to `topic`.
function Broker:subscribe(topic, name)
  check_topic(topic)
  if type(name) ~= "string" or name == "" then
    error(string.format("subscriber name must be a non-empty string (got %s)", tostring(name)), 2)
  end
  local subs = self.topics[topic]
  if not subs then
    subs = {}
    self.topics[topic] = subs
  end
  for _, s in ipairs(subs) do
    if s.name == name then error(string.format("%q is already subscribed to %q", name, topic), 2) end
  end
  local sub = setmetatable({ broker = self, topic = topic, name = name, held = {}, dead = {} },
    Subscription)
  subs[#subs + 1] = sub
  return sub
end

--- broker:publish(topic, payload): the new message's id (1, 2, ...); every current
--- subscription of the topic gets the message.
function Broker:publish(topic, payload)
  check_topic(topic)
  if payload == nil then error("payload must not be nil", 2) end
  self.last_id = self.last_id + 1
  local id = self.last_id
  for _, sub in ipairs(self.topics[topic] or {}) do
    sub:notify(id, payload)
  end
  return id
end

-- The observer's update: the topic hands the subscription a new message, visible at once.
function Subscription:notify(id, payload)
  self.held[#self.held + 1] = { id = id, payload = payload, deliveries = 0, visible_at = -math.huge }
end

-- Moves to the dead-letter queue every message whose last permitted delivery timed out by now,
-- in the order of their deadlines (then ids), and keeps the rest in id order.
function Subscription:expire(now)
  local max, keep, died = self.broker.max_deliveries, {}, {}
  for _, m in ipairs(self.held) do
    if m.deliveries >= max and m.visible_at <= now then died[#died + 1] = m else keep[#keep + 1] = m end
  end
  if #died == 0 then return end
  table.sort(died, function(a, b)
    if a.visible_at ~= b.visible_at then return a.visible_at < b.visible_at end
    return a.id < b.id
  end)
  for _, m in ipairs(died) do
    self.dead[#self.dead + 1] = { id = m.id, payload = m.payload, attempts = m.deliveries }
  end
  self.held = keep
end

--- sub:poll([max]): up to max (default: all) visible messages, oldest first, as
--- { id, payload, attempt }; each is hidden for `visibility` seconds.
function Subscription:poll(max)
  if max ~= nil and (math.type(max) ~= "integer" or max < 1) then
    error(string.format("max must be a positive integer (got %s)", tostring(max)), 2)
  end
  local now = self.broker.clock()
  self:expire(now)
  local out = {}
  for _, m in ipairs(self.held) do
    if max and #out >= max then break end
    if m.visible_at <= now then
      m.deliveries = m.deliveries + 1
      m.visible_at = now + self.broker.visibility
      out[#out + 1] = { id = m.id, payload = m.payload, attempt = m.deliveries }
    end
  end
  return out
end

--- sub:ack(id): true when the message was still held (delivered and not yet dead-lettered);
--- it is then gone for good. false for an unknown, acknowledged or dead-lettered id.
function Subscription:ack(id)
  self:expire(self.broker.clock())
  for i, m in ipairs(self.held) do
    if m.id == id and m.deliveries > 0 then
      table.remove(self.held, i)
      return true
    end
  end
  return false
end

--- sub:pending(): the number of messages held (not yet acknowledged nor dead-lettered).
function Subscription:pending()
  self:expire(self.broker.clock())
  return #self.held
end

--- sub:dead_letters(): the dead-lettered messages as { id, payload, attempts }, in order.
function Subscription:dead_letters()
  self:expire(self.broker.clock())
  local out = {}
  for i, m in ipairs(self.dead) do out[i] = { id = m.id, payload = m.payload, attempts = m.attempts } end
  return out
end

return { Broker = Broker }
