-- run_guard_spec: a run means what the design draws. m:run refuses a model whose check finds
-- errors (unless force = true), and a handler calls only along its service's links.
local dk = require "designkit"

-- A balancer with no backend: check's "no-route" error (and maybe others: what its client sends
-- goes nowhere). The service behind nothing is only unreachable, a warning.
local function broken()
  local m = dk.model "broken"
  local users = m:client "users" { rate = 50 }
  local lb = m:balancer "lb" {}
  m:service "api" { replicas = 2 }
  _ = users >> lb
  return m
end

-- users >> api, and api's handler calls db: linked or not, as asked.
local function handler_design(linked)
  local m = dk.model "h"
  local users = m:client "users" { rate = 100, mix = { save = 1 } }
  local api = m:service "api" { replicas = 2, workers = 4, time = dk.exp "1ms" }
  local db = m:database "db" { replicas = 2, workers = 8, time = dk.exp "2ms" }
  _ = users >> api
  if linked then
    _ = api >> db
  end
  local at
  api:on("save", function(req)
    at = at or here(); db:write(req.key)
  end)
  return m, function() return at end
end

describe("m:run and check errors", function()
  it("refuses a model with check errors, at the m:run line, listing them", function()
    local m = broken()
    local _, errors = m:check()
    expect(errors >= 1):to_be(true)
    local at
    local ok, err = pcall(function()
      at = here(); return m:run { duration = "1s" }
    end)
    expect(ok):to_be(false)
    expect(type(err)):to_be("string")
    expect(err):to_match(at .. ('run: model "broken" has %d check error%s (run it anyway with force = true):')
                                 :format(errors, errors == 1 and "" or "s"))
    expect(err):to_match('\n  no-route: balancer "lb" has no backend')
    -- warnings are not listed: they do not stop a run
    expect(err:find("unreachable", 1, true)):to_be(nil)
  end)

  it("runs it anyway with force = true", function()
    local r = broken():run { duration = "2s", force = true }
    expect(r.model):to_be("broken")
    local by = {}
    for _, c in ipairs(r.components) do by[c.name] = c end
    expect(by.users.arrivals):to_be_greater_than(0)
  end)

  it("runs a model whose check finds only warnings", function()
    local m = dk.model "warned"
    local users = m:client "users" { rate = 50 }
    local api = m:service "api" {} -- a single point of failure: a warning
    _ = users >> api
    local findings, errors = m:check()
    expect(errors):to_be(0)
    expect(#findings):to_be_greater_than(0)
    expect(m:run { duration = "1s" }.total.created):to_be_greater_than(0)
  end)

  it("takes force = false as the default and refuses anything but a boolean", function()
    local m = broken()
    expect(function() m:run { duration = "1s", force = false } end):to_fail("check error")
    expect(function() m:run { duration = "1s", force = "yes" } end)
      :to_fail("run: force must be true or false (got string)")
  end)
end)

describe("a handler's calls", function()
  it("go along the links of its service", function()
    local m = handler_design(true)
    local r = m:run { duration = "2s" }
    local by = {}
    for _, c in ipairs(r.components) do by[c.name] = c end
    expect(by.db.arrivals):to_be(by.api.completed + by.api.failed)
    expect(r.total.failed):to_be(0)
  end)

  it("to a component the service is not linked to stop the run, naming the link", function()
    local m, where = handler_design(false)
    local ok, err = pcall(m.run, m, { duration = "2s" })
    expect(ok):to_be(false)
    expect(err):to_match(where() .. 'service "api" handler for "save": calls database "db" ' ..
                         'but there is no link api >> db')
  end)

  it("are allowed along a route's targets, which the route links", function()
    local m = dk.model "routed"
    local users = m:client "users" { rate = 100, mix = { read = 0.5, write = 0.5 } }
    local api = m:service "api" { replicas = 2, workers = 4, time = dk.exp "1ms" }
    local db = m:database "db" { replicas = 2, workers = 8, time = dk.exp "2ms" }
    _ = users >> api
    api:route("read", dk.call(db))
    api:on("write", function(req) db:write(req.key) end)
    local r = m:run { duration = "2s" }
    expect(r.total.failed):to_be(0)
    expect(r.total.completed):to_be_greater_than(100)
  end)
end)
