-- designkit.reference - the parts of the docs and of the editor annotations that describe the
-- component kinds, written from the registry (dk.kinds, dk.kind_info, dk.properties) so that
-- they never drift from the code. docs/regenerate.sh writes them between markers; the docs
-- test and the annotations spec check that what is there is what this module writes.
--
-- reference.options_markdown() -> text    the option table of every kind (docs)
-- reference.link_options_markdown() -> text  the links' option table (docs)
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

-- The links' options as scripts write them (`weight`, `retry.attempts`), from the one table
-- behind m:link, model JSON and the guard kind (dk.properties "link").
local function link_option_name(p)
  return p.group and (p.group .. "." .. p.key) or p.key
end

function reference.link_options_markdown()
  local out = {
    "| option | type | default | meaning |",
    "|---|---|---|---|",
  }
  for _, p in ipairs(dk.properties "link") do
    out[#out + 1] = string.format("| `%s` | %s | %s | %s |", link_option_name(p), type_text(p),
                                  default_text(p), p.doc)
  end
  out[#out + 1] = ""
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

-- The LuaCATS field line of option `p` under `name`.
local function field_line(name, p)
  local t = value_types[p.type] or "any"
  if p.type == "distribution" and p.of == "size" then
    t = "designkit.Dist|designkit.Size|number"
  elseif p.type == "distribution" and p.of == "number" then
    t = "designkit.Dist|number"
  end
  if p.type == "enum" and p.choices then
    local c = {}
    for _, v in ipairs(p.choices) do c[#c + 1] = '"' .. v .. '"' end
    t = table.concat(c, "|")
  end
  return string.format("---@field %s? %s %s%s", name, t, p.doc,
                       p.default and (" (default " .. p.default .. ")") or "")
end

-- designkit.LinkOptions and a class per group (designkit.LinkRetryOptions, ...).
local function link_annotations(out)
  local groups, order, top = {}, {}, {}
  for _, p in ipairs(dk.properties "link") do
    if p.group then
      if not groups[p.group] then groups[p.group] = {}; order[#order + 1] = p.group end
      table.insert(groups[p.group], p)
    else
      top[#top + 1] = p
    end
  end
  local function group_class(g) return "designkit.Link" .. g:sub(1, 1):upper() .. g:sub(2) .. "Options" end
  for _, g in ipairs(order) do
    out[#out + 1] = "---The `" .. g .. "` options of a link (the guard kind's, without the prefix)."
    out[#out + 1] = "---@class " .. group_class(g)
    for _, p in ipairs(groups[g]) do out[#out + 1] = field_line(p.key, p) end
    out[#out + 1] = ""
  end
  out[#out + 1] = "---Options of `m:link(a, b, { ... })`: the link's own and the link schema's."
  out[#out + 1] = "---@class designkit.LinkOptions"
  out[#out + 1] = "---@field latency? designkit.Dist|designkit.Duration one-way latency per call and per reply"
  out[#out + 1] = "---@field async? boolean calls along it are not waited for (drawn dashed)"
  for _, p in ipairs(top) do out[#out + 1] = field_line(p.key, p) end
  for _, g in ipairs(order) do
    out[#out + 1] = "---@field " .. g .. "? " .. group_class(g)
  end
  out[#out + 1] = ""
end

function reference.annotations()
  local out, quoted = {}, {}
  for _, kind in ipairs(dk.kinds) do quoted[#quoted + 1] = '"' .. kind .. '"' end
  out[#out + 1] = "---@alias designkit.Kind " .. table.concat(quoted, "|")
  out[#out + 1] = ""
  for _, kind in ipairs(dk.kinds) do
    out[#out + 1] = "---Options of `m:" .. kind .. "`: " .. dk.kind_info(kind).doc .. "."
    out[#out + 1] = "---@class " .. class_name(kind)
    for _, p in ipairs(dk.properties(kind)) do out[#out + 1] = field_line(p.name, p) end
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
  link_annotations(out)
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
