-- hostile: a loop that catches the instruction limit's error with pcall and goes on looping
-- command: --max-instructions 1e7 {}
-- exit: 2
-- stderr: limit_spin_pcall.lua:
-- stderr: stopped after 10000000 Lua instructions: the instruction limit (--max-instructions 1e7; raise it with --max-instructions 100000000 or --max-instructions none)
-- stdout: before
print("before")
while true do
  local ok, err = pcall(function() while true do end end)
  print("caught: " .. tostring(err)) -- never reached: a stop cannot be caught
end
