-- async_spec: calls nobody waits for, along asynchronous links and by comp:send in handlers.
local dk = require "designkit"

-- users -> api, which calls db and waits, and tells a slow audit service without waiting.
local function design(how)
  local m = dk.model "async"
  local users = m:client "users" { rate = 100, arrivals = "constant" }
  local api = m:service "api" { workers = 8, time = dk.constant "1ms" }
  local db = m:database "db" { workers = 8, time = dk.constant "2ms" }
  local audit = m:service "audit" { workers = 1, time = dk.constant "50ms" }
  m:links { users >> api, api >> db }
  if how == "link" then
    m:link(api, audit, { async = true })
  elseif how == "send" then
    _ = api >> audit
    api:on("request", function(req)
      db:read(req.key)
      audit:send()
    end)
  else
    _ = api >> audit
  end
  return m
end

local function component(r, name)
  for _, c in ipairs(r.components) do
    if c.name == name then return c end
  end
end

describe("asynchronous calls", function()
  it("along an asynchronous link are not waited for", function()
    -- Waiting, each request would take 1 + 2 + 50 ms at least; not waiting, 3 ms exactly.
    local r = design("link"):run { duration = "2s", seed = 1 }
    expect(r.classes[1].latency.mean):to_be_near(0.003, 1e-9)
    -- the audit service still gets every call; at one per 10 ms and 50 ms each it falls
    -- behind, which the callers never feel
    -- (the last request may still be at the db when the run ends)
    expect(component(r, "audit").arrivals):to_be_greater_than(component(r, "api").arrivals - 2)
    expect(component(r, "audit").utilisation):to_be_greater_than(0.95)
  end)

  it("along a plain link are waited for", function()
    local r = design("plain"):run { duration = "2s", seed = 1 }
    expect(r.classes[1].latency.mean):to_be_greater_than(0.053)
  end)

  it("by comp:send in a handler are not waited for", function()
    local r = design("send"):run { duration = "2s", seed = 1 }
    expect(r.classes[1].latency.mean):to_be_near(0.003, 1e-9)
    expect(component(r, "audit").arrivals):to_be_greater_than(component(r, "api").arrivals - 2)
  end)

  it("keeps the link asynchronous through JSON", function()
    local m = design("link")
    local doc = dk.json.decode((m:to_json()))
    local seen = 0
    for _, l in ipairs(doc.links) do
      if l.to == "audit" then
        expect(l.async):to_be(true)
        seen = seen + 1
      else
        expect(l.async):to_be(nil)
      end
    end
    expect(seen):to_be(1)
    local back = assert(dk.from_json((m:to_json())))
    expect(dk.json.decode((back:to_json()))):to_equal(doc)
    -- the drawing (dashed) is checked end to end by tests/cli/async.sh
  end)

  it("refuses an async option that is not a boolean", function()
    local m = dk.model "bad"
    local a = m:service "a" {}
    local b = m:service "b" {}
    expect(function() m:link(a, b, { async = "yes" }) end)
      :to_fail("async_spec.lua:%d+: link: async must be true or false %(got string%)")
    local text = (m:to_json()):gsub('"links":%s*%[%s*%]', '"links": [{"from": "a", "to": "b", "async": "yes"}]')
    local back, err = dk.from_json(text, "bad.json")
    expect(back):to_be(nil)
    expect(err):to_match('bad.json: links[0].async: want true or false')
  end)
end)
