-- Reference solution of the circuit_breaker exercise (docs/exercises/circuit_breaker.md).
--
-- The state pattern: each state (closed, open, half-open) is an object with the same three
-- operations, acquire / success / failure, and the breaker forwards every call to its current
-- state. A state decides what a call means there and when to hand over to another state; the
-- breaker itself holds no `if state == ...` chain, and a new state (a "forced open" for
-- maintenance, say) is one more object, not an edit to every method.
--
-- Listeners (the observer pattern) hear every transition as (from, to, now), in the order they
-- subscribed. Time comes from an injected clock function, so transitions happen at exact,
-- testable times.

local CircuitBreaker = {}
CircuitBreaker.__index = CircuitBreaker

local Closed, Open, HalfOpen = {}, {}, {}
Closed.name, Open.name, HalfOpen.name = "closed", "open", "half_open"

-- Moves to `state` and tells the listeners. `enter` resets the state's own bookkeeping.
local function transition(self, state)
  local from = self.current.name
  self.current = state
  state.enter(self)
  for _, listener in ipairs(self.listeners) do
    listener(from, state.name, self.now)
  end
end

-- closed: every call goes through; the last `window` outcomes are kept in a ring buffer with a
-- running failure count, and the breaker opens when that count reaches the threshold.
function Closed.enter(self)
  self.outcomes, self.next_slot, self.failures, self.recorded = {}, 1, 0, 0
end

function Closed.acquire() return true end

local function record(self, failed)
  local slot = self.next_slot
  if self.recorded == self.window then
    if self.outcomes[slot] then self.failures = self.failures - 1 end -- the outcome falling out
  else
    self.recorded = self.recorded + 1
  end
  self.outcomes[slot] = failed
  if failed then self.failures = self.failures + 1 end
  self.next_slot = slot % self.window + 1
end

function Closed.success(self) record(self, false) end

function Closed.failure(self)
  record(self, true)
  if self.failures >= self.failure_threshold then transition(self, Open) end
end

-- open: every call is rejected until `wait` seconds have passed; then the breaker is half-open.
-- Outcomes of calls that started before it opened are ignored.
function Open.enter(self) self.opened_at = self.now end

function Open.acquire(self)
  if self.now < self.opened_at + self.wait then return false end
  transition(self, HalfOpen)
  return HalfOpen.acquire(self)
end

function Open.success() end

function Open.failure() end

-- half-open: `trial_calls` calls may go through; all succeeding closes the breaker, any
-- failing opens it again for another `wait`.
function HalfOpen.enter(self) self.granted, self.succeeded = 0, 0 end

function HalfOpen.acquire(self)
  if self.granted >= self.trial_calls then return false end
  self.granted = self.granted + 1
  return true
end

function HalfOpen.success(self)
  self.succeeded = self.succeeded + 1
  if self.succeeded >= self.trial_calls then transition(self, Closed) end
end

function HalfOpen.failure(self) transition(self, Open) end

local function positive_integer(opts, field)
  local v = opts[field]
  if math.type(v) ~= "integer" or v < 1 then
    error(string.format("%s must be a positive integer (got %s)", field, tostring(v)), 3)
  end
end

--- CircuitBreaker.new{ failure_threshold, window, wait, trial_calls, clock }
function CircuitBreaker.new(opts)
  if type(opts) ~= "table" then error("options must be a table", 2) end
  positive_integer(opts, "window")
  positive_integer(opts, "failure_threshold")
  positive_integer(opts, "trial_calls")
  if opts.failure_threshold > opts.window then
    error(string.format("failure_threshold (%d) must not exceed window (%d)",
      opts.failure_threshold, opts.window), 2)
  end
  if type(opts.wait) ~= "number" or not (opts.wait > 0) then
    error(string.format("wait must be a positive number of seconds (got %s)", tostring(opts.wait)), 2)
  end
  if type(opts.clock) ~= "function" then error("clock must be a function returning seconds", 2) end
  local self = setmetatable({
    failure_threshold = opts.failure_threshold, window = opts.window, wait = opts.wait,
    trial_calls = opts.trial_calls, clock = opts.clock, listeners = {}, current = Closed,
  }, CircuitBreaker)
  Closed.enter(self)
  return self
end

local function tick(self) self.now = self.clock() end

--- breaker:state(): "closed", "open" or "half_open" now (an open breaker whose wait is over
--- turns half-open here, and the listeners hear it).
function CircuitBreaker:state()
  tick(self)
  if self.current == Open and self.now >= self.opened_at + self.wait then
    transition(self, HalfOpen)
  end
  return self.current.name
end

--- breaker:acquire(): true when a call may go ahead now (then report it with success() or
--- failure()), false when it is rejected.
function CircuitBreaker:acquire()
  tick(self)
  return self.current.acquire(self)
end

--- breaker:success() / breaker:failure(): the outcome of a call acquire() let through.
function CircuitBreaker:success()
  tick(self)
  self.current.success(self)
end

function CircuitBreaker:failure()
  tick(self)
  self.current.failure(self)
end

--- breaker:call(fn, ...): false, "circuit open" when rejected; otherwise pcall(fn, ...)'s
--- results, the outcome recorded (an error is a failure).
function CircuitBreaker:call(fn, ...)
  if not self:acquire() then return false, "circuit open" end
  local results = table.pack(pcall(fn, ...))
  if results[1] then self:success() else self:failure() end
  return table.unpack(results, 1, results.n)
end

--- breaker:on_change(listener): listener(from, to, now) is called after every transition.
function CircuitBreaker:on_change(listener)
  if type(listener) ~= "function" then error("listener must be a function", 2) end
  self.listeners[#self.listeners + 1] = listener
end

return { CircuitBreaker = CircuitBreaker }
