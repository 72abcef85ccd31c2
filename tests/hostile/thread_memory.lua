-- hostile: a thread that fills a table without end hits the memory limit shared with the main state
-- command: run {} --max-memory 64MiB --max-time 60s
-- exit: 2
-- stderr: stopped at 64MiB: the memory limit (--max-memory 64MiB; raise it with --max-memory 256MiB or --max-memory none)
local dk = require "designkit"
local t = dk.thread(function()
  local t, i = {}, 0
  while true do
    i = i + 1
    t[i] = { i, tostring(i) }
  end
end)
t:join()
return dk.model "never"
