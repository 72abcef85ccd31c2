-- Run with: designkit examples/explore_buffer.lua
-- A bounded buffer of one slot, one producer of two items and two consumers. With one
-- condition variable and `if` where `while` belongs, a woken consumer does not look again and
-- takes from an empty buffer: dk.explore finds the schedule. With `while` and a condition
-- variable for each side, every schedule passes.
local dk = require "designkit"

local function buffer(fixed)
  local function put(s, v)
    s.m:lock()
    if fixed then
      while #s.items == 1 do s.not_full:wait(s.m) end
    elseif #s.items == 1 then
      s.not_full:wait(s.m)
    end
    s.items[#s.items + 1] = v -- a plain Lua table: touched only under the mutex
    s.not_empty:signal()
    s.m:unlock()
  end
  local function take(s)
    s.m:lock()
    if fixed then
      while #s.items == 0 do s.not_empty:wait(s.m) end
    elseif #s.items == 0 then
      s.not_empty:wait(s.m)
    end
    local v = table.remove(s.items, 1)
    assert(v ~= nil, "took an item from an empty buffer")
    s.not_full:signal()
    s.m:unlock()
  end
  return {
    setup = function(x)
      local one = x:condition("changed")
      return { m = x:mutex("m"), items = {},
               not_full = fixed and x:condition("not_full") or one,
               not_empty = fixed and x:condition("not_empty") or one }
    end,
    threads = {
      function(s) put(s, "a") put(s, "b") end,
      function(s) take(s) end,
      function(s) take(s) end,
    },
  }
end

print(dk.explore(buffer(false)):report())
print()
print(dk.explore(buffer(true)):report())
