-- kinds_spec.lua - what Lua derives from the kind registry: dk.kinds, dk.properties,
-- dk.kind_info, the m:<kind> and group:<kind> constructors, and the generated reference.
local dk = require "designkit"

describe("the kind registry from Lua", function()
  it("lists the built-in kinds in registry order", function()
    expect(dk.kinds):to_equal({ "client", "gateway", "guard", "balancer", "service", "cache", "cdn", "database", "sharded_database", "queue", "topic" })
  end)

  it("gives every kind a constructor on models and groups", function()
    local m = dk.model "k"
    local g = m:group "g" { kind = "zone" }
    for _, kind in ipairs(dk.kinds) do
      expect(type(m[kind])):to_be("function")
      local c = g[kind](g, "x-" .. kind)
      expect(c.kind):to_be(kind)
      expect(c.group.name):to_be("g")
    end
  end)

  it("describes each kind", function()
    local client = dk.kind_info "client"
    expect(client.traits.entry):to_be(true)
    expect(client.replicated):to_be(false)
    local q = dk.kind_info "queue"
    expect(q.traits.async):to_be(true)
    expect(q.shape):to_be("cds")
    local cache = dk.kind_info "cache"
    expect(cache.traits.lookup):to_be(true)
    local found = false
    for _, mname in ipairs(cache.metrics) do found = found or mname == "hit_ratio" end
    expect(found):to_be(true)
  end)

  it("refuses a kind it does not know, naming the known ones", function()
    local ok, err = pcall(dk.kind_info, "cahce")
    expect(ok):to_be(false)
    expect(tostring(err):find("unknown component kind \"cahce\" (use client, gateway, guard, balancer, service, "
                              .. "cache, cdn, database, sharded_database, queue, topic)", 1, true) ~= nil):to_be(true)
    ok, err = pcall(dk.kind_info, 42)
    expect(ok):to_be(false)
    ok, err = pcall(dk.properties)
    expect(ok):to_be(false)
    expect(tostring(err):find("string expected", 1, true) ~= nil):to_be(true)
  end)

  it("says a missing method is not a kind", function()
    local m = dk.model "k2"
    local ok, err = pcall(function() m:widget "w" {} end)
    expect(ok):to_be(false)
    expect(tostring(err):find('a model has no method "widget" (component kinds: client, gateway, guard, '
                              .. 'balancer, service, cache, cdn, database, sharded_database, queue, topic)', 1, true) ~= nil)
      :to_be(true)
  end)

  it("writes the option tables from the schema", function()
    local ref = require "designkit.reference"
    local text = ref.options_markdown()
    for _, kind in ipairs(dk.kinds) do
      expect(text:find("#### `m:" .. kind .. "`", 1, true) ~= nil):to_be(true)
      for _, p in ipairs(dk.properties(kind)) do
        expect(text:find("| `" .. p.name .. "` |", 1, true) ~= nil):to_be(true)
      end
    end
    local ok, err = ref.splice("no markers here", "kinds", "x")
    expect(ok):to_be(nil)
    expect(err:find("generated: kinds", 1, true) ~= nil):to_be(true)
  end)

  it("reports the metrics computed in C, the same for every report", function()
    local m = dk.model "metrics"
    local c = m:client "c" { rate = 100 }
    local s = m:service "s" { time = "5ms", queue = 1 }
    m:link(c, s)
    local r = m:run { duration = "10s", seed = 2 }
    local row = r.components[2]
    expect(row.utilisation > 0.3 and row.utilisation < 0.7):to_be(true)
    -- rejected over answered, from dk_actor_metrics
    local answered = row.completed + row.rejected + row.failed
    expect(math.abs(row.rejection_rate - row.rejected / answered) < 1e-12):to_be(true)
    expect(r.components[1].utilisation):to_be(nil) -- a client is not a station
  end)
end)
