-- designkit.dsl: the Lua half of the script language, added to the C module's table.
-- The C half (l_model.c, l_group.c, l_component.c) does components, links, routes and options;
-- this adds what is easier to say in Lua.
local dk = require "designkit"

--- Whether `v` is a model made by dk.model or read by dk.from_json / dk.load_json.
function dk.is_model(v)
  return type(v) == "userdata" and tostring(v):match('^model "') ~= nil
end

--- dk.load(path [, env]): runs a design script and returns the model it returns, or nil and a
--- message (the script's own errors come back with their file:line).
function dk.load(path, env)
  local chunk, err = loadfile(path, "t", env or setmetatable({}, { __index = _G }))
  if not chunk then return nil, err end
  local ok, m = pcall(chunk)
  if not ok then return nil, tostring(m) end
  if not dk.is_model(m) then
    return nil, path .. ": the script must end with `return m` (a model from dk.model)"
  end
  return m
end

return dk
