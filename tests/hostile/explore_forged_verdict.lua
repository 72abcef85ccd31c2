-- hostile: threads replace coroutine.resume, throw an error whose __tostring raises, and yield a forged operation; the verdict and the exit code stay the explorer's
-- command: {}
-- exit: 2
-- stderr: explore_forged_verdict.lua:18: explore: thread 2 called coroutine.yield: a thread pauses only at the explorer's operations
-- stdout: assertion: thread 1: (an error object of type table whose __tostring failed)
local dk = require "designkit"
local r = dk.explore {
  setup = function(x) return { n = x:cell("n", 0) } end,
  threads = {
    function(s)
      coroutine.resume = function() return true end -- the explorer took its own before
      s.n:set(1)
      error(setmetatable({}, { __tostring = function() error("and again") end }))
    end,
  },
}
print("assertion: " .. r.failure.message)
dk.explore {
  setup = function(x) return { n = x:cell("n", 0) } end,
  threads = { function(s) s.n:get() end, function() coroutine.yield({}, { name = "set" }) end },
}
print("not reached")
