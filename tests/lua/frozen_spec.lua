-- frozen_spec: a model cannot change while it runs. A handler (or a progress function) that
-- adds a component, links, sets an option, routes or expects stops the run with a message
-- naming what it tried; before, a component added mid-run and then called indexed past the
-- run's actors (a heap overflow under ASan).
local dk = require "designkit"

-- users -> api, whose handler does `change(m, api)` on its first request.
local function design(change)
  local m = dk.model "grow"
  local users = m:client "users" { rate = 10 }
  local api = m:service "api" {}
  local db = m:database "db" {}
  m:links { users >> api, api >> db }
  local done = false
  api:on("request", function(req)
    if not done then
      done = true
      change(m, api, db)
    end
  end)
  return m
end

local function fails_with(change, text)
  local m = design(change)
  expect(function() m:run { duration = "1s" } end):to_fail(text)
end

describe("a running model", function()
  it("refuses a new component, and so the call to it never indexes past the run's actors", function()
    fails_with(function(m, api)
      local extra = m:service "extra" {}
      _ = api >> extra
      extra:call()
    end, 'extra: model "grow" is running: it cannot change until m:run returns')
  end)

  it("refuses new links, options, routes, handlers, groups and expectations", function()
    fails_with(function(m, api, db) _ = api >> m:find("users") end, "is running")
    fails_with(function(m, api, db) m:link(db, api) end, 'link: model "grow" is running')
    fails_with(function(m, api) api.workers = 4 end, 'api: model "grow" is running')
    fails_with(function(m, api) api { workers = 4 } end, 'api: model "grow" is running')
    fails_with(function(m, api, db) api:route("other", dk.call(db)) end, "route: model")
    fails_with(function(m, api) api:on("other", function() end) end, "on: model")
    fails_with(function(m) m:group "eu" { kind = "region" } end, 'eu: model "grow" is running')
    fails_with(function(m) m:expect { p99 = "1s" } end, 'expect: model "grow" is running')
  end)

  it("refuses changes from a progress function too", function()
    -- busy enough that progress is called while the run goes on
    local m = dk.model "grow"
    _ = m:client "users" { rate = 100000 } >> m:service "api" { workers = 4, time = "10us" }
    expect(function()
      m:run { duration = "1s", progress = function() m:service "late" {} end }
    end):to_fail('late: model "grow" is running')
  end)

  it("changes again once the run is over", function()
    local m = design(function() end)
    m:run { duration = "1s" }
    local extra = m:service "extra" { workers = 2 }
    expect(extra.workers):to_be(2)
    expect(m:run { duration = "1s", force = true }.model):to_be("grow")
  end)
end)
