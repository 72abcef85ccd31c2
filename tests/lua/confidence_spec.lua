-- confidence_spec: warm-up and 95% confidence intervals (batch means within a run, and
-- independent replications) against M/M/1, whose mean response time 1 / (mu - lambda) is
-- computed here. A 95% interval should cover the true mean in about 95 of 100 independent runs;
-- fewer than 90 would mean intervals too narrow (or a biased mean).
local dk = require "designkit"

local LAMBDA, MU = 500, 1000          -- per second: rho = 0.5
local EXACT = 1 / (MU - LAMBDA)        -- 2 ms

local function mm1()
  local m = dk.model "mm1"
  local c = m:client "c" { rate = LAMBDA }
  local s = m:service "s" { replicas = 1, workers = 1, time = dk.exp(1 / MU) }
  _ = c >> s
  return m
end

local function covers(lo, hi, x)
  return lo <= x and x <= hi
end

describe("batch means within one run", function()
  it("cover the M/M/1 mean in at least 90 of 100 seeded runs", function()
    local m, covered, width = mm1(), 0, 0
    for seed = 1, 100 do
      local r = m:run { duration = "20s", warmup = "1s", seed = seed }
      local ci = r.classes[1].latency.mean_ci95
      expect(type(ci)):to_be("table")
      expect(ci[1] <= r.classes[1].latency.mean and r.classes[1].latency.mean <= ci[2]):to_be(true)
      if covers(ci[1], ci[2], EXACT) then covered = covered + 1 end
      width = width + (ci[2] - ci[1]) / 100
    end
    expect(covered):to_be_greater_than(89)
    -- Not by being uselessly wide: a tenth of the mean, give or take (answers one after
    -- another in a queue are correlated, so the spread of the mean is larger than for 9500
    -- independent ones, 2 x 1.96 x 2 ms / sqrt(9500) = 0.08 ms).
    expect(width):to_be_less_than(0.2 * EXACT)
  end)

  it("gives every class and all of them an interval", function()
    local r = mm1():run { duration = "5s", seed = 1 }
    expect(type(r.total.latency.mean_ci95)):to_be("table")
    expect(r.total.latency.mean_ci95[1]):to_be_near(r.classes[1].latency.mean_ci95[1], 1e-9)
  end)
end)

describe("replications", function()
  it("cover the M/M/1 mean in at least 90 of 100 experiments", function()
    local m, covered = mm1(), 0
    for e = 1, 100 do
      local r = m:run { duration = "3s", warmup = "0.5s", seed = 1000 * e, replications = 5 }
      local mean = r.replications.classes[1].mean
      expect(mean.n):to_be(5)
      if covers(mean.ci95[1], mean.ci95[2], EXACT) then covered = covered + 1 end
    end
    expect(covered):to_be_greater_than(89)
  end)

  it("are the runs with seeds seed .. seed + N - 1, the first being the plain run", function()
    local m = mm1()
    local r = m:run { duration = "2s", seed = 7, replications = 4 }
    local reps = r.replications
    expect(reps.count):to_be(4)
    expect(reps.seeds):to_equal({ 7, 8, 9, 10 })
    expect(reps.level):to_be(0.95)
    -- The result's own figures are the first replication's, the plain run with seed 7.
    local plain = m:run { duration = "2s", seed = 7 }
    expect(r.classes[1].latency.mean):to_be(plain.classes[1].latency.mean)
    -- The across-replication mean is the mean of the runs, each made alone.
    local sum, util = 0, 0
    for k = 0, 3 do
      local one = m:run { duration = "2s", seed = 7 + k }
      sum = sum + one.classes[1].latency.p99 / 4
      util = util + one.components[2].utilisation / 4
    end
    expect(reps.classes[1].p99.mean):to_be_near(sum, 1e-9)
    expect(reps.components[2].name):to_be("s")
    expect(reps.components[2].utilisation.mean):to_be_near(util, 1e-9)
    expect(reps.components[2].utilisation.ci95[1] < util):to_be(true)
    -- A client has no utilisation: no estimate, rather than a zero.
    expect(reps.components[1].utilisation):to_be(nil)
    expect(reps.total.mean.mean):to_be_near(reps.classes[1].mean.mean, 1e-9)
  end)

  it("appear in the JSON report", function()
    local r = mm1():run { duration = "2s", warmup = "0.5s", seed = 3, replications = 3 }
    local j = dk.json.decode(r:json())
    expect(j.warmup_s):to_be(0.5)
    expect(j.measured_s):to_be(1.5)
    expect(j.replications.count):to_be(3)
    expect(j.replications.seeds):to_equal({ 3, 4, 5 })
    local mean = j.replications.classes[1].mean_ns
    expect(mean.mean):to_be_near(r.replications.classes[1].mean.mean * 1e9, 1e-9)
    expect(mean.ci95[2] - mean.ci95[1]):to_be_near(2 * r.replications.classes[1].mean.half * 1e9,
                                                   1e-9)
    local ci = j.classes[1].latency.mean_ci95_ns
    expect(ci[1]):to_be_near(r.classes[1].latency.mean_ci95[1] * 1e9, 1e-9)
  end)

  it("without the option, there is no replications table", function()
    local r = mm1():run { duration = "1s" }
    expect(r.replications):to_be(nil)
    expect(dk.json.decode(r:json()).replications):to_be(nil)
  end)
end)

describe("warm-up", function()
  it("rates divide by the measured time", function()
    local r = mm1():run { duration = "10s", warmup = "2s", seed = 5 }
    expect(r.duration):to_be(10.0)
    expect(r.warmup):to_be(2.0)
    expect(r.measured):to_be(8.0)
    expect(r.classes[1].throughput):to_be_near(r.classes[1].completed / 8, 1e-12)
    expect(r.components[2].utilisation):to_be_near(LAMBDA / MU, 0.1)
  end)

  it("refuses what cannot be a warm-up", function()
    local m = mm1()
    expect(function() m:run { duration = "5s", warmup = "-1s" } end):to_fail("run: warmup:")
    expect(function() m:run { duration = "5s", warmup = "soon" } end):to_fail("run: warmup:")
    expect(function() m:run { duration = "5s", warmup = "5s" } end)
        :to_fail("run: warmup (5s) must be shorter than the duration (5s)")
    expect(function() m:run { duration = "5s", warmup = "9s" } end):to_fail("must be shorter")
    expect(function() m:run { duration = "5s", warmup = "1s", requests = 10 } end)
        :to_fail("before its warm-up")
  end)

  it("refuses what cannot be a number of replications", function()
    local m = mm1()
    expect(function() m:run { duration = "1s", replications = 0 } end)
        :to_fail("run: replications must be a whole number >= 1")
    expect(function() m:run { duration = "1s", replications = 2.5 } end)
        :to_fail("run: replications must be a whole number >= 1")
    expect(function() m:run { duration = "1s", replications = "many" } end)
        :to_fail("run: replications must be a whole number >= 1")
    expect(function() m:run { duration = "1s", seed = math.maxinteger, replications = 2 } end)
        :to_fail("below 2^63")
  end)
end)
