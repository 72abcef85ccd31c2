-- designkit.pristine - the standard library and the designkit module as they were before any
-- script ran, for the host's own code (cli, report, spec). A script shares the Lua state with
-- the host and may replace string.format, pairs or dk.kinds; the host reads none of those
-- after the script starts, so nothing a script does changes what the host reports or the exit
-- code it gives. The sandbox takes this module out of a script's reach.
--
-- Each library is a copy: changing string.format changes the script's table, not this one.

local P = {}
-- Taken as this module loads, before any script: copy and designkit_copy run later, when a
-- script may have replaced the globals.
local next, type, getmetatable, setmetatable = next, type, getmetatable, setmetatable

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

-- For the spec runners (designkit.spec, designkit.exercise_spec), which give each spec file or
-- test its own world. copy: a shallow copy that keeps the metatable, so that a callable table
-- (dk.explore, with dk.explore.replay) stays callable. designkit_copy: the module as it was
-- before anything ran, its tables (dk.json, dk.kinds) copied too: code a spec loads shares the
-- real module and may assign to it; the spec's own dk.model stays what it was.
P.copy = copy
function P.designkit_copy()
  local c = copy(P.designkit)
  for k, v in next, c do
    if type(v) == "table" then
      c[k] = copy(v)
    end
  end
  return c
end

return P
