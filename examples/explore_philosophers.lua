-- Run with: designkit examples/explore_philosophers.lua
-- Five philosophers, five forks. Each takes the fork on the left, then the one on the right:
-- dk.explore finds the schedule where all five hold one fork and wait for the next, and prints
-- the wait-for cycle. Taking the lower-numbered fork first (the last philosopher reverses)
-- removes the cycle, and the search, complete, finds nothing.
local dk = require "designkit"

local N = 5

local function philosophers(ordered)
  local threads = {}
  for i = 1, N do
    threads[i] = function(s)
      local first, second = s.forks[i], s.forks[i % N + 1]
      if ordered and second == s.forks[1] then first, second = second, first end
      first:lock()
      second:lock()
      s.meals:add(1)
      second:unlock()
      first:unlock()
    end
  end
  return {
    setup = function(x)
      local forks = {}
      for i = 1, N do forks[i] = x:mutex("fork" .. i) end
      return { forks = forks, meals = x:counter("meals") }
    end,
    threads = threads,
    final = function(s) return s.meals:get() end,
  }
end

print(dk.explore(philosophers(false)):report())
print()
print(dk.explore(philosophers(true)):report())
