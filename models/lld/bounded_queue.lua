-- Reference solution of the bounded_queue exercise (docs/exercises/bounded_queue.md).
-- A bounded blocking queue built only from what the platform `sys` hands in, so that the same
-- code runs under dk.explore (every schedule) and on real threads (dk.thread):
--   * one mutex guards every piece of state;
--   * two condition variables, one per reason to wait ("not full" for producers, "not empty"
--     for consumers), so a signal always wakes a thread that can use it;
--   * every wait sits in a `while` loop: a woken thread looks again, because another thread may
--     have taken the slot (or the item) between the signal and its wake-up;
--   * the items live in a ring of `capacity` shared cells, never in a plain Lua table, which
--     real threads would each have their own copy of.
local BoundedQueue = {}
BoundedQueue.__index = BoundedQueue

-- new(capacity, sys): only makes the shared objects (sys forbids using them here): each cell
-- takes its first value from sys.cell.
function BoundedQueue.new(capacity, sys)
  if math.type(capacity) ~= "integer" or capacity < 1 then
    error("BoundedQueue.new: capacity must be a positive integer (got " .. tostring(capacity) .. ")", 2)
  end
  local q = setmetatable({ capacity = capacity }, BoundedQueue)
  q.lock = sys.mutex("lock")
  q.not_full = sys.condition("not_full")
  q.not_empty = sys.condition("not_empty")
  q.head = sys.cell("head", 0) -- index of the oldest item, 0-based
  q.count = sys.cell("count", 0) -- items held
  q.slots = {}
  for i = 1, capacity do q.slots[i] = sys.cell("slot" .. i, false) end
  return q
end

-- put(v): waits while the queue is full, then appends v and wakes one consumer.
function BoundedQueue:put(v)
  if v == nil then error("BoundedQueue:put: the value must not be nil", 2) end
  self.lock:lock()
  local count = self.count:get()
  while count == self.capacity do
    self.not_full:wait(self.lock)
    count = self.count:get()
  end
  local tail = (self.head:get() + count) % self.capacity
  self.slots[tail + 1]:set(v)
  self.count:set(count + 1)
  self.not_empty:signal() -- one item: one consumer can use it
  self.lock:unlock()
end

-- take(): waits while the queue is empty, then removes and returns the oldest item and wakes
-- one producer.
function BoundedQueue:take()
  self.lock:lock()
  local count = self.count:get()
  while count == 0 do
    self.not_empty:wait(self.lock)
    count = self.count:get()
  end
  local head = self.head:get()
  local v = self.slots[head + 1]:get()
  self.slots[head + 1]:set(false) -- drop the reference: the slot is free
  self.head:set((head + 1) % self.capacity)
  self.count:set(count - 1)
  self.not_full:signal() -- one free slot: one producer can use it
  self.lock:unlock()
  return v
end

return BoundedQueue
