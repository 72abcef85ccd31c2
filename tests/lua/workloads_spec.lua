-- workloads_spec: dk.mixture and dk.hyperexp (moments, text, units, errors, JSON), and closed
-- clients (users and think time) run from a model.
local dk = require "designkit"

-- Sample mean and variance of n draws (seed 7), in the distribution's own units (seconds for
-- durations).
local function moments(d, n)
  local s, s2 = 0, 0
  for _, v in ipairs(d:samples(n, 7)) do
    s = s + v
    s2 = s2 + v * v
  end
  local mean = s / n
  return mean, s2 / n - mean * mean
end

describe("dk.mixture", function()
  it("has the weighted mean and variance of its parts", function()
    -- 0.25 constant(1) + 0.75 exp(2): E = 0.25 + 1.5 = 1.75; E[X^2] = 0.25 + 0.75 * 8 = 6.25
    local d = dk.mixture { { 1, 1 }, { 3, dk.exp(2) } }
    expect(d:mean()):to_be_near(1.75)
    local mean, var = moments(d, 400000)
    expect(mean):to_be_near(1.75, 0.01)
    expect(var):to_be_near(6.25 - 1.75 ^ 2, 0.02)
    expect(d:kind()):to_be("mixture")
    expect(d:is_durations()):to_be(false)
  end)

  it("holds durations when a part does; plain numbers are then seconds", function()
    local d = dk.mixture { { 0.5, dk.exp "2ms" }, { weight = 0.5, dist = 0.004 } }
    expect(d:is_durations()):to_be(true)
    expect(d:mean()):to_be_near(0.003)
    expect(tostring(d)):to_be("mixture(0.5: exp(2ms), 0.5: constant(4ms))")
    expect(tostring(dk.mixture { { 1, "5ms" } })):to_be("mixture(1: constant(5ms))")
  end)

  it("refuses bad parts, naming them", function()
    expect(function() dk.mixture {} end):to_fail("needs at least one part")
    expect(function() dk.mixture { { -1, dk.exp(1) } } end)
      :to_fail("part 1: weight must be a non%-negative number %(got %-1%)")
    expect(function() dk.mixture { { 1, 1 }, { 0 / 0, 1 } } end)
      :to_fail("part 2: weight must be a non%-negative number")
    expect(function() dk.mixture { { 0, 1 }, { 0, 2 } } end):to_fail("weights must not all be 0")
    expect(function() dk.mixture { { 1, {} } } end):to_fail("part 1: dist must be a distribution")
    expect(function() dk.mixture { 3 } end):to_fail("part 1 must be a table {weight, dist}")
    expect(function() dk.mixture { { 1, 2, extra = 1 } } end):to_fail("part 1 has an unknown field extra")
    expect(function() dk.mixture { { 1, dk.zipf(10) }, { 1, "1ms" } } end)
      :to_fail("part 1: dist: a zipf distribution cannot give durations")
    expect(function() dk.mixture { { "x", 1 } } end):to_fail("part 1: weight must be")
  end)
end)

describe("dk.hyperexp", function()
  it("has the mean and variance of its phases", function()
    -- E = 0.2 * 5 + 0.8 * 0.5 = 1.4; E[X^2] = 2 (0.2 * 25 + 0.8 * 0.25) = 10.4
    local d = dk.hyperexp { { 0.2, 5 }, { 0.8, 0.5 } }
    expect(d:mean()):to_be_near(1.4)
    local mean, var = moments(d, 400000)
    expect(mean):to_be_near(1.4, 0.015)
    expect(var):to_be_near(10.4 - 1.4 ^ 2, 0.04)
    expect(d:kind()):to_be("hyperexponential")
  end)

  it("fits a mean and a squared coefficient of variation", function()
    local d = dk.hyperexp { mean = "10ms", scv = 4 }
    expect(d:is_durations()):to_be(true)
    expect(d:mean()):to_be_near(0.01)
    local mean, var = moments(d, 400000)
    expect(mean):to_be_near(0.01, 0.02)
    expect(var / mean ^ 2):to_be_near(4, 0.05)
  end)

  it("takes phases by mean or by rate", function()
    local d = dk.hyperexp { { p = 0.5, rate = "1k/s" }, { p = 0.5, mean = "3ms" } }
    expect(d:mean()):to_be_near(0.002)
    expect(tostring(d)):to_be("hyperexp(0.5: 1ms, 0.5: 3ms)")
    expect(tostring(dk.hyperexp { { 0.9, "1ms" }, { 0.1, "20ms" } })):to_be("hyperexp(0.9: 1ms, 0.1: 20ms)")
  end)

  it("refuses bad phases, naming them", function()
    expect(function() dk.hyperexp {} end):to_fail("needs at least one phase")
    expect(function() dk.hyperexp { { 0.5, 1 }, { 0.6, 2 } } end)
      :to_fail("probabilities must sum to 1 %(got 1.1%)")
    expect(function() dk.hyperexp { { 1, 0 } } end):to_fail("part 1: mean must be positive")
    expect(function() dk.hyperexp { { 1, "soon" } } end):to_fail('part 1: invalid duration "soon"')
    expect(function() dk.hyperexp { { p = 1, mean = 1, rate = 2 } } end)
      :to_fail("part 1: give either a mean or a rate")
    expect(function() dk.hyperexp { mean = "1ms", scv = 0.5 } end):to_fail("scv must be at least 1")
    expect(function() dk.hyperexp { mean = "1ms" } end):to_fail("scv must be a number")
    expect(function() dk.hyperexp { mean = "1ms", scv = 2, cv = 1 } end):to_fail('unknown option "cv"')
  end)
end)

describe("mixtures in models", function()
  it("travel through JSON and back to the same text", function()
    local m = dk.model "mixed"
    local c = m:client "c" { rate = 10 }
    local s = m:service "s" { time = dk.mixture { { 0.9, dk.exp "1ms" }, { 0.1, dk.hyperexp { mean = "5ms", scv = 3 } } } }
    _ = c >> s
    local text = m:to_json()
    local m2 = assert(dk.from_json(text, "mixed.json"))
    expect(m2:to_json()):to_be(text)
    expect(tostring(m2:find("s").time)):to_be(tostring(s.time))
  end)

  it("refuse a part whose values a property cannot take", function()
    local m = dk.model "neg"
    expect(function() m:service "s" { time = dk.mixture { { 1, -1 } } } end):to_fail("time must not be negative")
  end)
end)

describe("closed clients", function()
  local function closed_model(opts)
    local m = dk.model "closed"
    local c = m:client "users" (opts)
    local s = m:service "s" { time = dk.exp "100ms" }
    _ = c >> s
    return m
  end

  it("keep at most N requests out and obey X = N / (R + Z)", function()
    -- one M/M/1 station, 5 users thinking 0.4 s on average
    local r = closed_model { users = 5, think = dk.exp "400ms" }:run { duration = "20000s", seed = 5 }
    local x, resp = r.total.throughput, r.total.latency.mean
    expect(x):to_be_near(5 / (resp + 0.4), 0.01)
    expect(x < 10):to_be(true) -- the server's capacity bounds it
    expect(r.in_flight <= 5):to_be(true)
  end)

  it("with one user and constant times, alternate exactly", function()
    local m = dk.model "one"
    local c = m:client "u" { users = 1, think = "1s" }
    local s = m:service "s" { time = "500ms" }
    _ = c >> s
    local r = m:run { duration = "10s" }
    expect(r.classes[1].created):to_be(7) -- at 1, 2.5, 4, 5.5, 7, 8.5 and 10 s
    expect(r.classes[1].completed):to_be(6)
  end)

  it("show their users and refuse open options beside them", function()
    local m = closed_model { users = 3 }
    expect(m:find("users").users):to_be(3)
    expect(function() closed_model({ users = 3, rate = 50 }):run {} end)
      :to_fail("rate is for open arrivals")
    expect(function() closed_model({ users = 3, arrivals = "constant" }):run {} end)
      :to_fail("arrivals is for open arrivals")
    expect(function() closed_model({ think = "1s" }):run {} end):to_fail("think needs users")
    expect(function() closed_model { users = -1 } end):to_fail("users must be")
  end)

  it("travel through JSON", function()
    local m = closed_model { users = 7, think = dk.exp "2s" }
    local m2 = assert(dk.from_json(m:to_json(), "c.json"))
    expect(m2:find("users").users):to_be(7)
    expect(m2:to_json()):to_be(m:to_json())
  end)
  it("stop with a clear error when their users resend at one instant without end", function()
    -- Every request fails the instant it is sent (a balancer with nothing behind it) and the
    -- users think no time: simulated time would never move. The run stops instead.
    local m = dk.model "livelock"
    local users = m:client "users" { users = 3, think = 0 }
    _ = users >> m:balancer "lb" {}
    expect(function() m:run { duration = "1s", force = true } end)
      :to_fail('client "users": its users\' requests are answered the instant they are sent')
    -- with a think time, the same design runs, and fails its requests
    users.think = "1ms"
    local r = m:run { duration = "1s", force = true }
    expect(r.classes[1].failed):to_be_greater_than(2000)
  end)
end)
