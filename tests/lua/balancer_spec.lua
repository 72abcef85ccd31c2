-- balancer_spec: dk.balancer from Lua: smooth weighted round robin's published order, health,
-- outlier ejection on the balancer's own clock, stats, bad input, and in the simulator least
-- connections and two choices beating round robin on p99 with one slow backend among four.
local dk = require "designkit"

local function picks(b, n, key)
  local t = {}
  for i = 1, n do
    local _, name = b:pick(key and key(i))
    t[i] = name
  end
  return t
end

describe("dk.balancer", function()
  it("gives a,a,b,a,c,a,a for smooth weights 5:1:1", function()
    local b = dk.balancer { algorithm = "weighted_round_robin",
                            backends = { { name = "a", weight = 5 }, "b", "c" } }
    expect(picks(b, 14)):to_equal({ "a", "a", "b", "a", "c", "a", "a",
                                    "a", "a", "b", "a", "c", "a", "a" })
    expect(tostring(b)):to_be("balancer (weighted_round_robin, 3 backends)")
  end)

  it("skips unhealthy backends and says when none is left", function()
    local b = dk.balancer { algorithm = "p2c", backends = { "a", "b", "c" }, seed = 3 }
    b:set_health("b", false)
    for _, name in ipairs(picks(b, 200)) do expect(name ~= "b"):to_be_truthy() end
    b:set_health(1, false)
    b:set_health(3, false)
    local i, msg = b:pick()
    expect(i):to_be(nil)
    expect(msg):to_be("no backend is available")
  end)

  it("keeps a key on its backend under the keyed algorithms", function()
    for _, alg in ipairs { "hash", "ring", "jump", "maglev", "rendezvous" } do
      local b = dk.balancer { algorithm = alg, backends = { "a", "b", "c", "d" } }
      local first = picks(b, 50, function(i) return "user:" .. i end)
      expect(picks(b, 50, function(i) return "user:" .. i end)):to_equal(first)
    end
  end)

  it("ejects an outlier for base x ejections, on its own clock", function()
    local b = dk.balancer { algorithm = "round_robin", backends = { "a", "b" },
                            outlier = { errors = 3, base = "10s" } }
    for _ = 1, 3 do b:done("b", "2ms", false) end
    local s = b:stats()
    expect(s[2].ejected):to_be(true)
    expect(s[2].errors):to_be(3)
    expect(s[2].ewma):to_be_near(0.002, 1e-9)
    expect(picks(b, 4)):to_equal({ "a", "a", "a", "a" })
    b:advance("9s")
    expect(picks(b, 1)):to_equal({ "a" })
    b:advance("1s")
    expect(picks(b, 2)):to_equal({ "b", "a" })
    for _ = 1, 3 do b:done(2, nil, false) end
    b:advance("19s")
    expect(b:stats()[2].ejected):to_be(true) -- the second time for 20 s
    b:advance("1s")
    expect(b:stats()[2].ejections):to_be(2)
    expect(picks(b, 2)):to_equal({ "b", "a" })
  end)

  it("rejects bad input, naming the place", function()
    expect(function() dk.balancer { algorithm = "fastest", backends = { "a" } } end)
      :to_fail("balancer_spec.lua:%d+: balancer: unknown algorithm \"fastest\".*valid: round_robin, "
               .. "random, least_connections")
    expect(function() dk.balancer { backends = {} } end):to_fail("backends is empty")
    expect(function() dk.balancer { backends = { "a", "b", "a" } } end)
      :to_fail("duplicate backend \"a\"")
    expect(function() dk.balancer { backends = { { name = "a", weight = 0 / 0 } } } end)
      :to_fail("backend 1: weight is NaN")
    expect(function() dk.balancer { backends = { "a", { name = "b", weight = -2 } } } end)
      :to_fail("backend 2: weight must be a finite number > 0 %(got %-2%)")
    expect(function() dk.balancer { backends = { "a" }, colour = 1 } end):to_fail("colour")
    local b = dk.balancer { backends = { "a" } }
    expect(function() b:done("zz") end):to_fail("no backend \"zz\"")
    expect(function() b:done(2) end):to_fail("no backend 2")
  end)
end)

describe("the balancer kind", function()
  local function p99(algorithm)
    local m = dk.model "slow"
    local users = m:client "users" { rate = 300 }
    local lb = m:balancer "lb" { algorithm = algorithm }
    local s = {}
    for i = 1, 3 do s[i] = m:service("fast" .. i) { workers = 4, time = dk.exp "4ms" } end
    s[4] = m:service "slow" { workers = 4, time = dk.exp "40ms" }
    m:links { users >> lb >> s }
    return m:run { duration = "60s", seed = 2 }.total.latency.p99
  end

  it("takes every algorithm by name", function()
    local info = dk.kind_info "balancer"
    expect(info ~= nil):to_be_truthy()
    for _, alg in ipairs { "p2c", "maglev", "geo", "least_response_time" } do
      expect(p99(alg) > 0):to_be_truthy()
    end
  end)

  it("beats round robin on p99 with least connections and two choices", function()
    local rr = p99 "round_robin"
    expect(p99 "least_connections" < rr):to_be_truthy()
    expect(p99 "p2c" < rr):to_be_truthy()
  end)
end)
