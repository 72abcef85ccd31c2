-- designkit.dsl: the Lua half of the script language, added to the C module's table.
-- The C half (l_model.c, l_group.c, l_component.c) does components, links, routes and options;
-- this adds what is easier to say in Lua.
local dk = require "designkit"

--- Whether `v` is a model made by dk.model or read by dk.from_json / dk.load_json.
function dk.is_model(v)
  return type(v) == "userdata" and tostring(v):match('^model "') ~= nil
end

-- A link written as a statement, `users >> api`, does not parse: Lua has no expression
-- statements, and all it says is "syntax error near '>>'". This adds how to write it, quoting
-- the script's own line when `read_line(file, n)` can give it. Other messages come back as they
-- were. Shared by dk.load and the designkit command.
function dk._explain_load_error(message, read_line)
  if type(message) ~= "string" or not message:find("syntax error near '>>'", 1, true) then
    return message
  end
  local file, n = message:match("^(.-):(%d+): syntax error")
  local line = file and read_line and read_line(file, tonumber(n))
  local link = line and line:gsub("%-%-.*$", ""):match("^%s*(.-)%s*;?%s*$")
  if link == nil or not link:find(">>", 1, true) or link:find("[=(){}\"']") then
    link = "users >> api"
  end
  return ("%s (a link is an expression, not a statement: write m:links { %s } or _ = %s)")
             :format(message, link, link)
end

local function read_line(path, n)
  local f = io.open(path, "r")
  if not f then return nil end
  local i = 0
  for line in f:lines() do
    i = i + 1
    if i == n then f:close(); return line end
  end
  f:close()
end

--- dk.load(path [, env]): runs a design script and returns the model it returns, or nil and a
--- message (the script's own errors come back with their file:line).
function dk.load(path, env)
  local chunk, err = loadfile(path, "t", env or setmetatable({}, { __index = _G }))
  if not chunk then return nil, dk._explain_load_error(err, read_line) end
  local ok, m = pcall(chunk)
  if not ok then return nil, tostring(m) end
  if not dk.is_model(m) then
    return nil, path .. ": the script must end with `return m` (a model from dk.model)"
  end
  return m
end

return dk
