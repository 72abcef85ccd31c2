-- designkit.pristine - the standard library and the designkit module as they were before any
-- script ran, for the host's own code (cli, report, spec). A script shares the Lua state with
-- the host and may replace string.format, pairs or dk.kinds; the host reads none of those
-- after the script starts, so nothing a script does changes what the host reports or the exit
-- code it gives. The sandbox takes this module out of a script's reach.
--
-- Each library is a copy: changing string.format changes the script's table, not this one.

local P = {}

local BASE = {
  "assert", "error", "getmetatable", "ipairs", "load", "loadfile", "next", "pairs", "pcall",
  "print", "rawequal", "rawget", "rawlen", "rawset", "require", "select", "setmetatable",
  "tonumber", "tostring", "type", "xpcall", "_VERSION",
}
local LIBRARIES = { "string", "table", "math", "io", "os", "utf8", "coroutine", "package", "debug" }

local function copy(t)
  local c = {}
  for k, v in next, t do
    c[k] = v
  end
  -- A callable table (dk.explore, with dk.explore.replay) stays callable.
  local mt = getmetatable(t)
  if type(mt) == "table" then setmetatable(c, mt) end
  return c
end

for _, name in ipairs(BASE) do
  P[name] = _G[name]
end
for _, name in ipairs(LIBRARIES) do
  if type(_G[name]) == "table" then
    P[name] = copy(_G[name])
  end
end

-- The designkit module, one level deep (dk.json, dk.kinds and the like are copied too).
local dk = require "designkit"
P.designkit = copy(dk)
for k, v in next, dk do
  if type(v) == "table" then
    P.designkit[k] = copy(v)
  end
end

return P
