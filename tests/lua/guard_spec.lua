-- guard_spec: the guard kind and failure injection through the Lua surface, against counts
-- worked out by hand (evenly spaced requests, 100/s).
local dk = require "designkit"

local function run(guard, dep, seconds)
  local m = dk.model "guarded"
  local users = m:client "users" { rate = 100, arrivals = "constant" }
  local g = m:guard "g" (guard)
  local d = m:database "dep" (dep)
  m:links { users >> g >> d }
  local r = m:run { duration = (seconds + 5) .. "s", requests = 100 * seconds, seed = 3 }
  local by = {}
  for _, c in ipairs(r.components) do by[c.name] = c end
  return r, by
end

describe("the guard kind", function()
  it("makes `attempts` calls per request to a dependency that always fails", function()
    local r, by = run({ attempts = 3, base = "10ms" },
                      { workers = 0, time = "1ms", fail_to = "1h" }, 10)
    expect(r.total.created):to_be(1000)
    expect(by.dep.arrivals):to_be(3000)
    expect(by.g.retries):to_be(2000)
    expect(r.total.failed):to_be(1000)
  end)

  it("fails every request after exactly the timeout when the dependency is slower", function()
    local r, by = run({ timeout = "1s" }, { workers = 0, time = "2s" }, 2)
    expect(by.g.timeouts):to_be(200)
    expect(r.total.completed):to_be(0)
    expect(by.g.latency.min or by.g.latency.p50):to_be(1.0)
    expect(by.g.latency.max or by.g.latency.p99):to_be(1.0)
  end)

  it("short-circuits once the breaker opens", function()
    local _, by = run({ breaker_window = 10, breaker_wait = "1h" },
                      { workers = 0, time = "1ms", fail_to = "1h" }, 10)
    expect(by.dep.arrivals):to_be(10)
    expect(by.g.short_circuited):to_be(990)
    expect(by.g.breaker_changes):to_be(1)
  end)

  it("refuses what its bulkhead has no room for", function()
    -- one at a time, no waiting, 25 ms calls every 10 ms: the requests at 10 + 30k ms pass
    local r, by = run({ bulkhead_max = 1 }, { workers = 0, time = "25ms" }, 1)
    expect(by.g.bulkhead_rejected):to_be(66)
    expect(r.total.completed):to_be(34)
  end)

  it("rejects bad options naming the guard and the field", function()
    local m = dk.model "bad"
    local ok, err = pcall(function() m:guard "g" { attempts = 0 } end)
    expect(ok):to_be(false)
    expect(tostring(err):find('guard "g": attempts', 1, true) ~= nil):to_be(true)
    ok, err = pcall(function() m:service "s" { fail_rate = 2 } end)
    expect(ok):to_be(false)
    expect(tostring(err):find('service "s": fail_rate', 1, true) ~= nil):to_be(true)
  end)
end)
