-- hostile: a table that grows until the memory limit
-- command: run {} --max-memory 64MiB --max-time 60s
-- exit: 2
-- stderr: designkit: limit_table.lua: stopped at 64MiB: the memory limit (--max-memory 64MiB; raise it with --max-memory 256MiB or --max-memory none)
local t, i = {}, 0
while true do
  i = i + 1
  t[i] = { i, tostring(i) }
end
