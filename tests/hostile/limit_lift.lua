-- hostile: a script that reaches for the host's limits module to lift its own limit, then loops
-- command: --max-instructions 1e6 {}
-- exit: 2
-- stderr: designkit: limit_lift.lua:13: stopped after 1000000 Lua instructions: the instruction limit
-- stdout: false
local ok, limits = pcall(require, "designkit.limits")
print(ok)
if ok then
  limits.set("instructions", "none")
  limits.set("time", "none")
end
assert(package.loaded["designkit.limits"] == nil and package.preload["designkit.limits"] == nil)
while true do end
