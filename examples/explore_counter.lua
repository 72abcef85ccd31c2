-- Run with: designkit examples/explore_counter.lua
-- Two threads each add 1 to a shared counter three times, as `n = n + 1` does: a read, then a
-- write. dk.explore runs every schedule that matters and lists the values the counter can end
-- with; a check that it ends at 6 fails, with the schedule that breaks it; a mutex fixes it.
local dk = require "designkit"

local function increments(locked)
  local function thread(s)
    for _ = 1, 3 do
      if locked then s.m:lock() end
      local v = s.n:get()
      s.n:set(v + 1)
      if locked then s.m:unlock() end
    end
  end
  return {
    setup = function(x) return { n = x:cell("n", 0), m = x:mutex("m") } end,
    threads = { thread, thread },
    final = function(s) return s.n:get() end,
    check = function(s) assert(s.n:get() == 6, "lost update: n = " .. s.n:get()) end,
  }
end

local racy = increments(false)
racy.check = nil
print(dk.explore(racy):report())

print()
local r = dk.explore(increments(false))
print(r:report())

-- The schedule is all it takes to see the failure again.
local again = dk.explore.replay(increments(false), r.failure.schedule)
assert(again.failure.message == r.failure.message)

print()
print(dk.explore(increments(true)):report())
