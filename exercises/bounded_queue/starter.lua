-- A bounded blocking queue: see README.md. Build every piece of shared state from `sys`
-- (sys.mutex, sys.condition, sys.cell): under real threads a plain Lua table is not shared.
local BoundedQueue = {}
BoundedQueue.__index = BoundedQueue

-- BoundedQueue.new(capacity, sys): an empty queue holding at most `capacity` values.
-- Only make objects here (sys.mutex(name), sys.condition(name), sys.cell(name, first_value)).
function BoundedQueue.new(capacity, sys)
  return setmetatable({ capacity = capacity }, BoundedQueue)
end

-- q:put(v): waits while the queue is full, then appends v.
function BoundedQueue:put(v)
  error("not implemented: BoundedQueue:put", 2)
end

-- q:take(): waits while the queue is empty, then removes and returns the oldest value.
function BoundedQueue:take()
  error("not implemented: BoundedQueue:take", 2)
end

return BoundedQueue
