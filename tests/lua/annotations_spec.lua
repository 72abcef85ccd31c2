-- annotations_spec.lua - the editor annotations (bindings/lua/meta/designkit.lua) name every
-- function and method the module really has, so an editor never completes a stale API.
local dk = require "designkit"

local meta do
  local f = assert(io.open("bindings/lua/meta/designkit.lua", "r"))
  meta = f:read("a")
  f:close()
end

-- The functions reachable from `t` (its own keys, then its __index table), sorted.
local function functions_of(t)
  local names, seen = {}, {}
  local function add(tbl)
    for k, v in next, tbl do
      if type(k) == "string" and type(v) == "function" and not k:match("^_") and not seen[k] then
        seen[k] = true
        names[#names + 1] = k
      end
    end
  end
  if type(t) == "table" then add(t) end
  local mt = getmetatable(t)
  if mt and type(mt.__index) == "table" then add(mt.__index) end
  table.sort(names)
  return names
end

local function missing(prefix, names)
  local out = {}
  for _, n in ipairs(names) do
    if not meta:find("function " .. prefix .. n .. "(", 1, true) then out[#out + 1] = prefix .. n end
  end
  return out
end

describe("editor annotations", function()
  it("cover every function of the module", function()
    expect(missing("dk.", functions_of(dk))):to_equal({})
  end)

  it("cover the functions of the callable tables (dk.explore.replay)", function()
    expect(type(dk.explore)):to_be("table")
    expect(missing("dk.explore.", functions_of(dk.explore))):to_equal({})
  end)

  it("cover every model and component method", function()
    local m = dk.model "annotated"
    local api = m:service "api" {}
    expect(missing("Model:", functions_of(m))):to_equal({})
    expect(missing("Component:", functions_of(api))):to_equal({})
  end)

  it("cover the run result's methods", function()
    local m = dk.model "annotated-run"
    local c = m:client "c" { rate = 10 }
    local s = m:service "s" {}
    m:link(c, s)
    local r = m:run { duration = "1s" }
    expect(missing("Result:", functions_of(r))):to_equal({})
  end)

  it("describe every registered kind as the registry does", function()
    local ref = require "designkit.reference"
    local want = assert(ref.splice(meta, "kinds", ref.annotations()))
    expect(want == meta):to_be(true) -- else: make docs
    for _, kind in ipairs(dk.kinds) do
      expect(meta:find("function Model:" .. kind .. "(name, opts) end", 1, true) ~= nil):to_be(true)
    end
  end)
end)
