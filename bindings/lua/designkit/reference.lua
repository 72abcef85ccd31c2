-- designkit.reference - the parts of the docs and of the editor annotations that describe the
-- component kinds, written from the registry (dk.kinds, dk.kind_info, dk.properties) so that
-- they never drift from the code. docs/regenerate.sh writes them between markers; the docs
-- test and the annotations spec check that what is there is what this module writes.
--
-- reference.options_markdown() -> text    the option table of every kind (docs)
-- reference.annotations() -> text         LuaCATS: the Kind alias, option classes, m:<kind>
-- reference.splice(text, name, body) -> text | nil, message
--   replaces what stands between the markers "generated: NAME" and "end generated: NAME"
--   (each on a line of its own, in any comment syntax) with `body`.
local dk = require "designkit"

local reference = {}

local function default_text(p)
  return p.default and ("`" .. p.default .. "`") or ""
end

local function type_text(p)
  if p.type == "enum" and p.choices then
    return "enum: " .. table.concat(p.choices, ", ")
  end
  return p.type
end

function reference.options_markdown()
  local out = {}
  for _, kind in ipairs(dk.kinds) do
    local info = dk.kind_info(kind)
    out[#out + 1] = "#### `m:" .. kind .. "`"
    out[#out + 1] = ""
    out[#out + 1] = info.doc .. "."
    out[#out + 1] = ""
    out[#out + 1] = "| option | type | default | meaning |"
    out[#out + 1] = "|---|---|---|---|"
    for _, p in ipairs(dk.properties(kind)) do
      out[#out + 1] = string.format("| `%s` | %s | %s | %s |", p.name, type_text(p),
                                    default_text(p), p.doc)
    end
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

-- The LuaCATS type of an option's value, as a script may write it.
local value_types = {
  int = "integer", number = "number", duration = "designkit.Duration", size = "designkit.Size",
  rate = "designkit.Rate", fraction = "designkit.Fraction",
  distribution = "designkit.Dist|designkit.Duration|number", mix = "table<string, number>",
}

local function class_name(kind)
  return "designkit." .. kind:sub(1, 1):upper() .. kind:sub(2) .. "Options"
end

function reference.annotations()
  local out, quoted = {}, {}
  for _, kind in ipairs(dk.kinds) do quoted[#quoted + 1] = '"' .. kind .. '"' end
  out[#out + 1] = "---@alias designkit.Kind " .. table.concat(quoted, "|")
  out[#out + 1] = ""
  for _, kind in ipairs(dk.kinds) do
    out[#out + 1] = "---Options of `m:" .. kind .. "`: " .. dk.kind_info(kind).doc .. "."
    out[#out + 1] = "---@class " .. class_name(kind)
    for _, p in ipairs(dk.properties(kind)) do
      local t = value_types[p.type] or "any"
      if p.type == "enum" and p.choices then
        local c = {}
        for _, v in ipairs(p.choices) do c[#c + 1] = '"' .. v .. '"' end
        t = table.concat(c, "|")
      end
      out[#out + 1] = string.format("---@field %s? %s %s%s", p.name, t, p.doc,
                                    p.default and (" (default " .. p.default .. ")") or "")
    end
    out[#out + 1] = ""
  end
  for _, kind in ipairs(dk.kinds) do
    out[#out + 1] = "---A " .. kind .. " named `name`: `m:" .. kind .. ' "x" { ... }` or `m:' ..
                    kind .. '("x", { ... })`.'
    out[#out + 1] = "---@param name string"
    out[#out + 1] = "---@param opts? " .. class_name(kind)
    out[#out + 1] = "---@return designkit.Component|fun(opts: " .. class_name(kind) ..
                    "): designkit.Component"
    out[#out + 1] = "function Model:" .. kind .. "(name, opts) end"
    out[#out + 1] = "Group." .. kind .. " = Model." .. kind
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

local function escape(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

function reference.splice(text, name, body)
  local open = "generated: " .. name
  local close = "end generated: " .. name
  local a1, a2 = text:find("[^\n]*" .. escape(open) .. "[^\n]*\n")
  if not a1 then return nil, "no line with \"" .. open .. "\"" end
  local b1 = text:find("\n[^\n]*" .. escape(close), a2)
  if not b1 then return nil, "no line with \"" .. close .. "\"" end
  if body ~= "" and body:sub(-1) ~= "\n" then body = body .. "\n" end
  return text:sub(1, a2) .. body .. text:sub(b1 + 1)
end

return reference
