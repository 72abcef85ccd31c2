-- A reader-writer lock that does not starve writers: see README.md. Build every piece of
-- shared state from `sys` (sys.mutex, sys.condition, sys.cell).
local RWLock = {}
RWLock.__index = RWLock

-- RWLock.new(sys): an unlocked lock. Only make objects here
-- (sys.mutex(name), sys.condition(name), sys.cell(name, first_value)).
function RWLock.new(sys)
  return setmetatable({}, RWLock)
end

-- Waits until no writer is inside and no writer is waiting, then enters as a reader.
function RWLock:read_lock() error("not implemented: RWLock:read_lock", 2) end

-- Leaves as a reader; the last reader out lets a waiting writer in.
function RWLock:read_unlock() error("not implemented: RWLock:read_unlock", 2) end

-- Waits until nobody is inside, then enters alone; readers arriving meanwhile wait behind it.
function RWLock:write_lock() error("not implemented: RWLock:write_lock", 2) end

-- Leaves as the writer.
function RWLock:write_unlock() error("not implemented: RWLock:write_unlock", 2) end

return RWLock
