-- hostile: a pattern that backtracks for ages inside string.find, where no Lua instruction runs
-- (the count hook never fires): the time limit ends the process from outside
-- command: --max-time 1s {}
-- exit: 2
-- stderr: designkit: limit_pattern.lua: stopped after 1s: the time limit (--max-time 1s; raise it with --max-time 6s or --max-time none)
local s = string.rep("a", 5000)
print(s:find(string.rep("a-", 12) .. "b"))
