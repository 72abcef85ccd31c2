-- hostile: a thread tries to write a file beside the script, and io.popen: both refused
-- command: run {} --allow-write out
-- setup: mkdir out
-- exit: 2
-- stderr: cannot write "escaped.txt": a script may write only inside "out", the folder named with --allow-write
-- absent: escaped.txt
local dk = require "designkit"
local t = dk.thread(function()
  assert(not pcall(io.popen, "true"), "io.popen ran in a thread")
  local inside = assert(io.open("out/inside.txt", "w")) -- the named folder is allowed
  inside:close()
  assert(io.open("escaped.txt", "w"))
end)
t:join()
return dk.model "never"
