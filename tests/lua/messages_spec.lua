-- messages_spec: a failure found when the model is built or run names the script line that made
-- the component and the component itself, not only the line that ran the model; a closed model,
-- component or distribution is named as closed even when Lua cannot name the function called
-- (never "bad argument #1 to '?'"); and a flow a script changed after dk.call made it is checked
-- again before it becomes a route (its kind read as a string, its targets counted).
local dk = require "designkit"

local function failure(f)
  local ok, err = pcall(f)
  assert(not ok, "expected an error")
  return tostring(err)
end

describe("a failure while the model is built", function()
  it("names the line that made the component, and the component", function()
    local m = dk.model "tiny"
    local users, at = m:client "users" { rate = 1e-320 }, here()
    _ = users >> m:service "api" {}
    local err = failure(function() m:run { duration = "1s" } end)
    expect(err):to_be(at .. 'client "users": rate is too small (got 9.99989e-321)')
  end)

  it("names the line of the component a run stops for (overloaded)", function()
    local m = dk.model "flood"
    local users = m:client "users" { rate = 1e6 }
    local api, at = m:service "api" { time = "1ms" }, here()
    _ = users >> api
    local err = failure(function() m:run { duration = "10s", overload = 1000 } end)
    expect(err:sub(1, #at)):to_be(at)
    expect(err):to_match('service "api"')
  end)

  it("keeps the caller's position for a model read from JSON, which no line made", function()
    local m = dk.model "tiny"
    _ = m:client "users" { rate = 1e-320 } >> m:service "api" {}
    local back = assert(dk.from_json(m:to_json(), "tiny.json"))
    local err = failure(function() back:run { duration = "1s" } end)
    expect(err):to_match('client "users": rate is too small')
  end)
end)

describe("a closed object", function()
  local m
  before_each(function()
    m = dk.model "gone"
    m:close()
  end)

  it("says so with the method's name when Lua knows it", function()
    local err, at = failure(function() m:service "api" {} end), here()
    expect(err):to_be(at .. "calling 'service' on bad self (model is closed)")
  end)

  it("says what was closed and how, never '?', when Lua cannot name the call", function()
    local ok, err = pcall(m.service, m, "api")
    expect(ok):to_be(false)
    expect(err):to_be("model is closed (by m:close() or a <close> variable) and cannot be used")
    expect(err:find("?", 1, true)):to_be(nil)
  end)

  it("names components and groups of a closed model, and closed distributions", function()
    local m2 = dk.model "x"
    local api = m2:service "api" {}
    local g = m2:group "eu" { kind = "region" }
    m2:close()
    expect(select(2, pcall(api.on, api, "x", print))):to_match("the component's model is closed")
    expect(select(2, pcall(function() g:service "y" {} end))):to_match("the group's model is closed")
    local d
    do
      local closing <close> = dk.exp "1ms"
      d = closing
    end
    expect(select(2, pcall(d.mean, d))):to_match("distribution is closed")
  end)
end)

describe("a flow changed after dk.call made it", function()
  local m, api, db
  before_each(function()
    m = dk.model "flows"
    api = m:service "api" {}
    db = m:database "db" {}
  end)

  it("is refused when its kind is no longer a flow's (read as a string, never NULL)", function()
    for _, kind in ipairs { {}, false, 42, "custom", "nonsense" } do
      local f = dk.call(db)
      f.kind = kind
      expect(function() api:route("x", f) end):to_fail("the flow's kind was changed")
    end
    local f = dk.call(db)
    f.kind = nil
    expect(function() api:route("x", f) end):to_fail("the flow's kind was changed")
  end)

  it("is refused when it holds more targets than a route has room for", function()
    local f = dk.call(db)
    for i = 2, 10 do f[i] = db end
    expect(function() api:route("x", f) end):to_fail("a flow takes 1 to 4 components (got 10)")
  end)
end)

describe("a handler's coroutine", function()
  -- users send "keep" and "use"; a "keep" handler leaves its coroutine to the script, which a
  -- later "use" handler resumes with its own function, which returns something else than the
  -- run's own trampoline would: a value the pool would take for it.
  local function hijacked(fn)
    local m = dk.model "hijack"
    local users = m:client "users" { rate = 50, mix = { keep = 1, use = 1 } }
    local api = m:service "api" { workers = 100 }
    local db = m:database "db" { time = dk.constant "200ms", workers = 100 }
    m:links { users >> api, api >> db }
    local kept
    api:on("keep", function() kept = coroutine.running() end)
    api:on("use", function()
      db:read(1)
      if kept and kept ~= coroutine.running() and coroutine.status(kept) == "suspended" then
        coroutine.resume(kept, fn)
      end
    end)
    return m
  end

  it("that the script resumed after its handler returned is never reused", function()
    for _, fn in ipairs {
      function() return print end, -- leaves one function where the trampoline was
      function() return 1, 2 end,
      function() coroutine.yield() end,
    } do
      local m = hijacked(fn)
      expect(function() m:run { duration = "2s" } end)
        :to_fail("a handler's coroutine was resumed or closed from outside the run")
    end
  end)
end)
