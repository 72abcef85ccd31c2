-- hostile: a thread of dk.explore loops for ever without an operation, and catches what stops it
-- command: --max-instructions 1e6 {}
-- exit: 2
-- stderr: explore_thread_spin.lua:10: stopped after 1000000 Lua instructions: the instruction limit
local dk = require "designkit"
local r = dk.explore {
  threads = {
    function()
      while true do
        pcall(function() while true do end end)
      end
    end,
  },
}
print("not reached", r.ok)
