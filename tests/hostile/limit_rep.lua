-- hostile: a string.rep bomb: 2 GiB at once, caught by pcall; it stops all the same
-- command: --max-memory 64MiB --max-time 60s {}
-- exit: 2
-- stderr: designkit: limit_rep.lua:8: stopped at 64MiB: the memory limit (--max-memory 64MiB; raise it with --max-memory 256MiB or --max-memory none)
-- stdout: before
print("before")
local ok = pcall(string.rep, "x", (1 << 31) - 1)
print(ok and "accepted" or "refused, and carried on") -- never printed: a stop cannot be caught
