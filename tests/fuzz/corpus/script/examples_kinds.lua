-- kinds.lua - the component kinds as the registry describes them: what each is, what it is
-- (traits), how it is drawn, what its reports show and which options it takes.
-- Run with: designkit examples/kinds.lua
local dk = require "designkit"

for _, kind in ipairs(dk.kinds) do
  local info = dk.kind_info(kind)
  local traits = {}
  for trait in pairs(info.traits) do traits[#traits + 1] = trait end
  table.sort(traits) -- pairs() has no order; a listing should
  print(string.format("%-9s %s", kind, info.doc))
  print(string.format("          drawn as %s; traits: %s; reports: %s", info.shape,
                      #traits > 0 and table.concat(traits, ", ") or "none",
                      table.concat(info.metrics, ", ")))
  local options = {}
  for _, p in ipairs(dk.properties(kind)) do
    options[#options + 1] = p.name .. " = " .. (p.default or "?")
  end
  print("          options: " .. table.concat(options, ", "))
end

-- Every kind has its constructor on models and groups: m:<kind> "name" { options }.
local m = dk.model "one-of-each"
for _, kind in ipairs(dk.kinds) do
  local c = m[kind](m, "a-" .. kind)
  assert(c.kind == kind)
end
print(string.format("a model with one component of each of the %d kinds: %d components",
                    #dk.kinds, #m:components()))
