-- limiter_spec: dk.limiter from Lua: the hand schedule of rate 2/s burst 3 (T = 0.5 s) at exact
-- times, per-key limiters with bounded memory, rates through the units, and bad options.
local dk = require "designkit"

-- Each step: time (s), whether it passes, the wait the limiter gives (s).
local METER = {
  { 0, true, 0 }, { 0, true, 0 }, { 0, true, 0 }, { 0, false, 0.5 },
  { 0.4, false, 0.1 }, { 0.5, true, 0 }, { 0.9, false, 0.1 }, { 1.0, true, 0 },
  { 2.5, true, 0 }, { 2.5, true, 0 }, { 2.5, true, 0 }, { 2.5, false, 0.5 },
}

local function follow(lim, schedule, key)
  for i, s in ipairs(schedule) do
    local ok, wait
    if key ~= nil then ok, wait = lim:allow(key, s[1]) else ok, wait = lim:allow(s[1]) end
    if ok ~= s[2] or math.abs(wait - s[3]) > 1e-9 then
      error(("step %d at %gs: got %s wait %g, want %s wait %g"):format(i, s[1], tostring(ok),
                                                                      wait, tostring(s[2]), s[3]))
    end
  end
end

describe("dk.limiter", function()
  it("follows the hand schedule for the bucket algorithms and GCRA", function()
    for _, alg in ipairs { "token_bucket", "leaky_bucket", "gcra" } do
      follow(dk.limiter { algorithm = alg, rate = "2/s", burst = 3 }, METER)
    end
  end)

  it("delays instead of rejecting as a leaky queue", function()
    follow(dk.limiter { algorithm = "leaky_queue", rate = 2, burst = 3 }, {
      { 0, true, 0 }, { 0, true, 0.5 }, { 0, true, 1.0 }, { 0, false, 0.5 }, { 0.5, true, 1.0 },
    })
  end)

  it("resets a fixed window exactly at its edge (W = 1.5 s)", function()
    follow(dk.limiter { algorithm = "fixed_window", rate = "120/min", burst = 3 }, {
      { 0, true, 0 }, { 0, true, 0 }, { 0, true, 0 }, { 1.4, false, 0.1 }, { "1500ms", true, 0 },
    })
  end)

  it("takes durations and defaults now to the latest time given", function()
    local lim = dk.limiter { algorithm = "sliding_log", rate = "2/s", burst = 2 }
    expect(lim:allow("1s")):to_be(true)
    expect(lim:allow()):to_be(true)        -- still at 1 s
    local ok, wait = lim:allow()
    expect(ok):to_be(false)
    expect(wait):to_be_near(1.0, 1e-9)     -- W = 1 s after the oldest
    expect(lim:allow(2.0)):to_be(true)
  end)

  it("keeps one state per key, bounded by max_keys", function()
    local lim = dk.limiter { algorithm = "gcra", rate = "2/s", burst = 3, per_key = true,
                             max_keys = 100, idle = "1m" }
    for i, s in ipairs(METER) do -- a new key at each step passes (it is fresh); alice keeps hers
      expect(lim:allow("other" .. i, s[1])):to_be(true)
      follow(lim, { s }, "alice")
    end
    local small = dk.limiter { algorithm = "token_bucket", rate = 1, burst = 1, per_key = true,
                               max_keys = 2 }
    expect(small:allow(1, 0)):to_be(true)
    expect(small:allow(1, 0)):to_be(false)
    expect(small:allow("b", 0)):to_be(true)
    expect(small:allow("c", 0)):to_be(true)  -- key 1, seen least recently, made room
    expect(small:keys()):to_be(2)
    expect(small:allow(1, 0)):to_be(true)
    expect(tostring(small)):to_match("token_bucket.*burst 1, per key")
  end)

  it("refuses bad options with the field named", function()
    local function bad(opts, pattern)
      expect(function() dk.limiter(opts) end):to_fail(pattern)
    end
    bad({ rate = 0 }, "rate: must be a positive rate")
    bad({ rate = -3 }, "rate: must be a positive rate")
    bad({ rate = "fast" }, "limiter: rate:")
    bad({ rate = "10/fortnight" }, "limiter: rate:")
    bad({ burst = 3 }, "rate is required")
    bad({ rate = "1/s", burst = 0 }, "burst must be a whole number from 1")
    bad({ rate = "1/s", burst = 2.5 }, "burst must be a whole number")
    bad({ rate = "1/s", algorithm = "token-bucket" },
        "unknown algorithm \"token%-bucket\" %(use token_bucket, leaky_bucket, leaky_queue, " ..
        "fixed_window, sliding_log, sliding_window, gcra%)")
    bad({ rate = "1/s", max_keys = 5 }, "max_keys needs per_key")
    bad({ rate = "1/s", per_key = true, max_keys = 0 }, "max_keys must be")
    bad({ rate = "1/s", per_key = true, idle = "soon" }, "idle:")
    bad({ rate = "1/s", brust = 3 }, "unknown option \"brust\"")
    local lim = dk.limiter { rate = "1/s", per_key = true }
    expect(function() lim:allow({}, 0) end):to_fail("key must be a string or an integer")
    expect(function() lim:allow("k", "later") end):to_fail("bad argument #2 to 'allow'")
    lim:close()
    expect(function() lim:allow("k", 0) end):to_fail("closed")
  end)
end)

-- A gateway in a design: at a Poisson offered rate r above its limit L, the long run lets
-- through L per second and refuses the fraction (r - L) / r. Over 200 s a token bucket lets at
-- most L x 200 + burst through, and at r = 4L its bucket is almost never full (a token wasted),
-- so 2% on the throughput is wide; the refused fraction has a Poisson count of about 80000
-- arrivals behind it (sd 0.2% of 0.75), hence 1%. The sliding log is the exception: a slot
-- freed W after its request waits for the next arrival (1/r on average) and, unlike a bucket,
-- banks nothing meanwhile, so it lets through about burst / (W + 1/r) = 10 / 0.1025 s = 97.6/s
-- (W = burst / L = 100 ms).
local function gateway_run(opts, keys)
  local m = dk.model "limited"
  local users = m:client "users" { rate = "400/s", keys = keys }
  local gw = m:gateway "edge" (opts)
  local api = m:service "api" { workers = 1000, time = dk.exp "1ms" }
  m:links { users >> gw >> api }
  local r = m:run { duration = "200s", seed = 7 }
  return r.components[2], r
end

describe("the gateway kind", function()
  it("lets the limit through and refuses the rest, with every algorithm", function()
    for _, alg in ipairs { "token_bucket", "leaky_bucket", "leaky_queue", "fixed_window",
                           "sliding_log", "sliding_window", "gcra" } do
      local g = gateway_run { algorithm = alg, rate = "100/s", burst = 10 }
      local L = alg == "sliding_log" and 10 / (0.1 + 1 / 400) or 100
      expect(g.kind):to_be("gateway")
      expect(g.throughput):to_be_near(L, 0.02)
      expect(g.limited / g.arrivals):to_be_near((400 - L) / 400, 0.01)
      expect(g.rejected):to_be(g.limited) -- refused calls are answered REJECTED
    end
  end)

  it("limits each key on its own with scope = per_key", function()
    -- Four keys equally likely: each offers 100/s against its own 50/s.
    local g = gateway_run({ algorithm = "gcra", rate = "50/s", burst = 5, scope = "per_key" },
                          dk.zipf { n = 4, s = 0 })
    expect(g.throughput):to_be_near(200, 0.02)
    expect(g.limited / g.arrivals):to_be_near(0.5, 0.01)
  end)

  it("names the gateway and the field for a bad option", function()
    local m = dk.model "bad"
    expect(function() m:gateway "a" { rate = 0 } end):to_fail("gateway \"a\": rate")
    expect(function() m:gateway "b" { burst = 0 } end):to_fail("gateway \"b\": burst")
    expect(function() m:gateway "c" { rate = "fast" } end):to_fail("gateway \"c\": rate")
    expect(function() m:gateway "d" { algorithm = "bucket" } end)
      :to_fail("token_bucket, leaky_bucket, leaky_queue")
  end)
end)
