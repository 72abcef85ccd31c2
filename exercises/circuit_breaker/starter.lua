-- circuit_breaker: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every method below raises "not implemented": replace each body with your own.

local CircuitBreaker = {}
CircuitBreaker.__index = CircuitBreaker

--- CircuitBreaker.new{ failure_threshold, window, wait, trial_calls, clock }
function CircuitBreaker.new(opts)
  error("not implemented: CircuitBreaker.new", 2)
end

--- breaker:state(): "closed", "open" or "half_open".
function CircuitBreaker:state()
  error("not implemented: CircuitBreaker:state", 2)
end

--- breaker:acquire(): true when a call may go ahead now, false when rejected.
function CircuitBreaker:acquire()
  error("not implemented: CircuitBreaker:acquire", 2)
end

--- breaker:success(): the call acquire() let through succeeded.
function CircuitBreaker:success()
  error("not implemented: CircuitBreaker:success", 2)
end

--- breaker:failure(): the call acquire() let through failed.
function CircuitBreaker:failure()
  error("not implemented: CircuitBreaker:failure", 2)
end

--- breaker:call(fn, ...): false, "circuit open" when rejected, else pcall(fn, ...)'s results.
function CircuitBreaker:call(fn, ...)
  error("not implemented: CircuitBreaker:call", 2)
end

--- breaker:on_change(listener): listener(from, to, now) after every transition.
function CircuitBreaker:on_change(listener)
  error("not implemented: CircuitBreaker:on_change", 2)
end

return { CircuitBreaker = CircuitBreaker }
