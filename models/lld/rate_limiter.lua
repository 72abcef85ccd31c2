-- Reference solution of the rate_limiter exercise (docs/exercises/rate_limiter.md).
--
-- Two limiters behind one interface, allow(now [, cost]) -> boolean, and a keyed limiter that
-- builds one per key through a factory (a strategy: it neither knows nor cares which kind).
-- Time is injected: every call passes `now` in seconds, so the limiters are deterministic and
-- testable, and a simulator can drive them with its own clock.
--
-- Token bucket: tokens refill continuously at `rate` per second up to `burst`; a request takes
-- `cost` tokens or is rejected. The refill is computed lazily from the time since the last call,
-- so an idle limiter costs nothing.
--
-- Sliding-window counter: fixed windows of `window` seconds keep a count each; the estimate
-- for the window ending now weights the previous window's count by the part of it that still
-- overlaps. It needs two counters instead of a log of timestamps, at the price of assuming the
-- previous window's requests were spread evenly.

-- Float times: a token count within EPS of what is needed counts as enough, so 0.8 + 0.2 tokens
-- (which floats make 0.9999999999999999) still pays for a request of cost 1.
local EPS = 1e-9

local function check_positive(value, name, level)
  if type(value) ~= "number" or not (value > 0) or value == math.huge then
    error(string.format("%s must be a positive number (got %s)", name, tostring(value)), level + 1)
  end
end

-- Rejects a time that is not a number or earlier than the latest one seen (self.last).
local function check_now(self, now, level)
  if type(now) ~= "number" or now ~= now then
    error(string.format("now must be a number (got %s)", tostring(now)), level + 1)
  end
  if self.last and now < self.last then
    error(string.format("now must not go backwards (got %s after %s)", now, self.last), level + 1)
  end
end

local TokenBucket = {}
TokenBucket.__index = TokenBucket

--- TokenBucket.new{ rate = r, burst = b }: starts full (b tokens), refills r tokens a second.
function TokenBucket.new(opts)
  if type(opts) ~= "table" then error("options must be a table { rate = ..., burst = ... }", 2) end
  check_positive(opts.rate, "rate", 2)
  check_positive(opts.burst, "burst", 2)
  return setmetatable({ rate = opts.rate, burst = opts.burst, tokens = opts.burst, last = nil },
    TokenBucket)
end

--- bucket:allow(now [, cost]): true and `cost` tokens taken when there are enough, else false.
function TokenBucket:allow(now, cost)
  cost = cost == nil and 1 or cost
  check_positive(cost, "cost", 2)
  if cost > self.burst then
    error(string.format("cost %s can never be paid: it exceeds burst %s", cost, self.burst), 2)
  end
  check_now(self, now, 2)
  if self.last then
    self.tokens = math.min(self.burst, self.tokens + (now - self.last) * self.rate)
  end
  self.last = now
  if self.tokens + EPS < cost then return false end
  self.tokens = math.max(0, self.tokens - cost)
  return true
end

local SlidingWindow = {}
SlidingWindow.__index = SlidingWindow

--- SlidingWindow.new{ limit = n, window = w }: at most about n requests in any w seconds.
function SlidingWindow.new(opts)
  if type(opts) ~= "table" then error("options must be a table { limit = ..., window = ... }", 2) end
  if math.type(opts.limit) ~= "integer" or opts.limit < 1 then
    error(string.format("limit must be a positive integer (got %s)", tostring(opts.limit)), 2)
  end
  check_positive(opts.window, "window", 2)
  return setmetatable({ limit = opts.limit, window = opts.window, start = nil, current = 0,
                        previous = 0 }, SlidingWindow)
end

--- window:allow(now): true (and counted) when the weighted count leaves room, else false.
function SlidingWindow:allow(now)
  check_now(self, now, 2)
  self.last = now
  local start = math.floor(now / self.window) * self.window
  if start ~= self.start then
    -- The window we were counting becomes the previous one only if it is adjacent.
    local adjacent = self.start ~= nil and start - self.start <= self.window + EPS
    self.previous = adjacent and self.current or 0
    self.current = 0
    self.start = start
  end
  local overlap = 1 - (now - start) / self.window
  if self.previous * overlap + self.current + 1 > self.limit + EPS then return false end
  self.current = self.current + 1
  return true
end

local KeyedLimiter = {}
KeyedLimiter.__index = KeyedLimiter

--- KeyedLimiter.new(factory, idle): one limiter per key, made by factory(key) on the key's first
--- request (or its first after expiry); a key with no request for `idle` seconds is dropped.
function KeyedLimiter.new(factory, idle)
  if type(factory) ~= "function" then
    error("factory must be a function(key) returning a limiter", 2)
  end
  check_positive(idle, "idle", 2)
  -- The keys in a ring by last request, oldest at ring.prev: expiry pops from that end and
  -- stops at the first live key, so it costs O(1) amortised per request, never a scan.
  local ring = {}
  ring.next, ring.prev = ring, ring
  return setmetatable({ factory = factory, idle = idle, ring = ring, nodes = {}, count = 0 },
    KeyedLimiter)
end

local function unlink(node)
  node.prev.next, node.next.prev = node.next, node.prev
end

local function push_front(ring, node)
  node.prev, node.next = ring, ring.next
  ring.next.prev = node
  ring.next = node
end

local function expire(self, now)
  local oldest = self.ring.prev
  while oldest ~= self.ring and oldest.seen + self.idle <= now do
    unlink(oldest)
    self.nodes[oldest.key] = nil
    self.count = self.count - 1
    oldest = self.ring.prev
  end
end

--- keyed:allow(key, now [, cost]): the key's own limiter's answer.
function KeyedLimiter:allow(key, now, cost)
  if key == nil then error("key must not be nil", 2) end
  check_now(self, now, 2)
  self.last = now
  expire(self, now)
  local node = self.nodes[key]
  if node then
    unlink(node)
  else
    node = { key = key, limiter = self.factory(key) }
    self.nodes[key] = node
    self.count = self.count + 1
  end
  node.seen = now
  push_front(self.ring, node)
  return node.limiter:allow(now, cost)
end

--- keyed:size(): the number of keys held (those seen within `idle` of the latest request).
function KeyedLimiter:size()
  return self.count
end

return { TokenBucket = TokenBucket, SlidingWindow = SlidingWindow, KeyedLimiter = KeyedLimiter }
