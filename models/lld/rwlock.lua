-- Reference solution of the rwlock exercise (docs/exercises/rwlock.md).
-- A reader-writer lock that does not starve writers: many readers or one writer, and a writer
-- that is waiting keeps out every reader that comes after it (writer preference).
-- A monitor: one mutex guards three counters; readers wait on `can_read`, writers on
-- `can_write`, each wait in a `while` loop (a woken thread looks again).
local RWLock = {}
RWLock.__index = RWLock

-- new(sys): only makes the shared objects; each counter starts at 0.
function RWLock.new(sys)
  if type(sys) ~= "table" then error("RWLock.new: sys must be the platform table (got " .. type(sys) .. ")", 2) end
  local l = setmetatable({}, RWLock)
  l.lock = sys.mutex("lock")
  l.can_read = sys.condition("can_read")
  l.can_write = sys.condition("can_write")
  l.readers = sys.cell("readers", 0) -- readers inside
  l.writing = sys.cell("writing", false) -- a writer inside
  l.waiting = sys.cell("waiting_writers", 0) -- writers that asked and are not in yet
  return l
end

-- read_lock: a reader enters when no writer is inside and none is waiting: a waiting writer
-- goes before every reader that comes after it.
function RWLock:read_lock()
  self.lock:lock()
  while self.writing:get() or self.waiting:get() > 0 do self.can_read:wait(self.lock) end
  self.readers:set(self.readers:get() + 1)
  self.lock:unlock()
end

-- read_unlock: the last reader out lets a writer in.
function RWLock:read_unlock()
  self.lock:lock()
  local n = self.readers:get() - 1
  self.readers:set(n)
  if n == 0 then self.can_write:signal() end
  self.lock:unlock()
end

-- write_lock: the writer makes itself known first (so new readers hold back), then waits until
-- nobody is inside.
function RWLock:write_lock()
  self.lock:lock()
  self.waiting:set(self.waiting:get() + 1)
  while self.writing:get() or self.readers:get() > 0 do self.can_write:wait(self.lock) end
  self.waiting:set(self.waiting:get() - 1)
  self.writing:set(true)
  self.lock:unlock()
end

-- write_unlock: the next waiting writer, if any, gets its chance first; readers are all woken
-- and go in only if no writer is waiting.
function RWLock:write_unlock()
  self.lock:lock()
  self.writing:set(false)
  if self.waiting:get() > 0 then self.can_write:signal() end
  self.can_read:broadcast()
  self.lock:unlock()
end

return RWLock
