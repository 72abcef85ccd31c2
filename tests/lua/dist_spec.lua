-- dist_spec: the distribution constructors, their means, text forms and units.
local dk = require "designkit"

local function sample_mean(d, n)
  local s = 0
  for _, v in ipairs(d:samples(n, 7)) do s = s + v end
  return s / n
end

describe("distributions", function()
  it("have analytic means in the units they were given", function()
    expect(dk.constant(5):mean()):to_be(5.0)
    expect(dk.constant "5ms":mean()):to_be_near(0.005)
    expect(dk.uniform(1, 3):mean()):to_be_near(2)
    expect(dk.exp "2ms":mean()):to_be_near(0.002)
    expect(dk.normal(10, 2):mean()):to_be_near(10)
    expect(dk.lognormal(1, 0.5):mean()):to_be_near(math.exp(0.125))
    expect(dk.pareto(1, 3):mean()):to_be_near(1.5)
    expect(dk.empirical({ 1, 2, 3 }, { 1, 1, 2 }):mean()):to_be_near(2.25)
  end)

  it("sample close to their means", function()
    expect(sample_mean(dk.exp "2ms", 200000)):to_be_near(0.002, 0.02)
    expect(sample_mean(dk.lognormal(1, 0.5), 200000)):to_be_near(math.exp(0.125), 0.02)
    expect(sample_mean(dk.uniform(0, 10), 200000)):to_be_near(5, 0.02)
  end)

  it("draw zipf keys in 1..n, small keys most often", function()
    local d = dk.zipf { n = 1000, s = 1.0 }
    local ones, max = 0, 0
    for _, v in ipairs(d:samples(10000, 3)) do
      if v == 1 then ones = ones + 1 end
      if v > max then max = v end
    end
    expect(max <= 1000):to_be_truthy()
    expect(ones):to_be_greater_than(1000) -- P(1) = 1 / H(1000) ~ 0.134
    expect(tostring(dk.zipf(1e6, 0.99))):to_be("zipf(n=1000000, s=0.99)")
  end)

  it("print as written", function()
    expect(tostring(dk.exp "2ms")):to_be("exp(2ms)")
    expect(tostring(dk.exp(3))):to_be("exp(3)")
    expect(tostring(dk.lognormal("10ms", 0.5))):to_be("lognormal(10ms, 0.5)")
    expect(tostring(dk.empirical({ "1ms", "5ms" }))):to_be("empirical(1ms, 5ms)")
  end)

  it("remember whether they hold durations", function()
    expect(dk.exp "2ms":is_durations()):to_be(true)
    expect(dk.exp(2):is_durations()):to_be(false)
    expect(dk.exp "2ms":kind()):to_be("exponential")
  end)

  it("refuse bad parameters naming them", function()
    expect(function() dk.exp(-1) end):to_fail("mean must be positive")
    expect(function() dk.uniform(3, 1) end):to_fail("uniform")
    expect(function() dk.zipf { n = 0 } end):to_fail("n must be a whole number")
    expect(function() dk.zipf { n = 10, q = 1 } end):to_fail('unknown option "q"')
    expect(function() dk.exp "soon" end):to_fail('invalid duration "soon"')
    expect(function() dk.empirical({}) end):to_fail("at least one value")
    expect(function() dk.empirical({ 1, 2 }, { 1 }) end):to_fail("one weight per value")
  end)
end)
