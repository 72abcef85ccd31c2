-- hostile: a string that triples until it no longer fits, built by string.rep and ..
-- command: --max-memory 64MiB --max-time 60s {}
-- exit: 2
-- stderr: stopped at 64MiB: the memory limit (--max-memory 64MiB; raise it with --max-memory 256MiB or --max-memory none)
local s = "xxxxxxxx"
while true do
  s = s:rep(2) .. s
end
