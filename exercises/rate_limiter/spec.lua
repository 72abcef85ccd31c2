-- Tests of the rate_limiter exercise: exact allow/reject schedules computed by hand (the
-- arithmetic is in the comments), and GCRA written here as an independent oracle for the
-- token bucket, never the reference solution.

-- Runs a schedule { {t, want[, cost]}, ... } through allow and compares every answer; the
-- failure names the request.
local function run(limiter, schedule, call)
  call = call or function(l, t, cost) return l:allow(t, cost) end
  local got, want = {}, {}
  for i, req in ipairs(schedule) do
    local ok = call(limiter, req[1], req[3])
    got[i] = string.format("#%d t=%g %s", i, req[1], ok and "allow" or "reject")
    want[i] = string.format("#%d t=%g %s", i, req[1], req[2] and "allow" or "reject")
  end
  expect(got, "allow/reject schedule"):to_equal(want)
end

local A, R = true, false

task("Token bucket", function()
  it("rate 2/s, burst 3: the schedule t = 0 0 0 0 0.4 0.5 1.0 1.0 3 3 3 3", function()
    local L = solution().TokenBucket.new { rate = 2, burst = 3 }
    run(L, {
      { 0, A }, { 0, A }, { 0, A }, -- starts full: 3 tokens
      { 0, R },                     -- 0 tokens
      { 0.4, R },                   -- 0.8 tokens
      { 0.5, A },                   -- 0.8 + 0.2 = 1 token
      { 1.0, A },                   -- 0 + 1.0
      { 1.0, R },
      { 3, A }, { 3, A }, { 3, A }, -- 0 + 4 capped at 3
      { 3, R },
    })
  end)

  it("cost takes several tokens at once", function()
    local L = solution().TokenBucket.new { rate = 1, burst = 5 }
    run(L, {
      { 0, A, 4 },   -- 5 -> 1
      { 0, R, 2 },   -- 1 < 2; a rejected request takes nothing
      { 0, A, 1 },   -- 1 -> 0
      { 2.5, A, 2 }, -- 2.5 -> 0.5
      { 3, R, 2 },   -- 1
      { 4, A, 2 },   -- 2 -> 0
    })
  end)

  it("agrees with GCRA on 3000 random requests (seed 5, rate 4/s, burst 6)", function()
    -- GCRA (the generic cell rate algorithm) is the token bucket seen from the other side: a
    -- theoretical arrival time tat advances by 1/rate per allowed request; a request at t is
    -- allowed when tat - t <= (burst - 1) / rate.
    math.randomseed(5)
    local rate, burst = 4, 6
    local L = solution().TokenBucket.new { rate = rate, burst = burst }
    local t, tat = 0, 0
    for i = 1, 3000 do
      t = t + (math.random(0, 5) / 16) -- exact binary fractions: no rounding in the oracle
      tat = math.max(tat, t)
      local want = tat - t <= (burst - 1) / rate
      if want then tat = tat + 1 / rate end
      local got = L:allow(t)
      if got ~= want then expect(got, "request #" .. i .. " at t=" .. t):to_be(want) end
    end
  end)

  it("rejects bad configuration and bad calls, naming the field", function()
    local TB = solution().TokenBucket
    expect(function() TB.new { rate = 0, burst = 3 } end, "rate = 0"):to_fail("rate")
    expect(function() TB.new { rate = 2, burst = -1 } end, "burst = -1"):to_fail("burst")
    expect(function() TB.new { rate = "2", burst = 3 } end, "rate = \"2\""):to_fail("rate")
    local L = TB.new { rate = 2, burst = 3 }
    L:allow(5)
    expect(function() L:allow(4) end, "allow(4) after allow(5)"):to_fail("now")
    expect(function() L:allow(6, 4) end, "cost 4 with burst 3"):to_fail("cost")
    expect(function() L:allow(6, 0) end, "cost 0"):to_fail("cost")
  end)
end)

task("Sliding-window counter", function()
  it("limit 4 per 1 s window: the weighted schedule", function()
    local L = solution().SlidingWindow.new { limit = 4, window = 1 }
    run(L, {
      { 0, A }, { 0.25, A }, { 0.5, A }, { 0.75, A }, -- window [0,1): 4
      { 0.875, R },                                    -- 5 > 4
      { 1.0, R },    -- window [1,2): 4 * 1.00 + 0 = 4, +1 > 4
      { 1.25, A },   -- 4 * 0.75 + 0 = 3
      { 1.5, A },    -- 4 * 0.50 + 1 = 3
      { 1.5, R },    -- 4 * 0.50 + 2 = 4
      { 1.75, A },   -- 4 * 0.25 + 2 = 3
      { 2.0, A },    -- window [2,3): 3 * 1.0 + 0 = 3
      { 2.0, R },    -- 3 + 1 = 4
      { 3.5, A },    -- window [3,4): previous [2,3) had 1: 0.5 + 0
      { 5.0, A },    -- window [5,6): previous [4,5) had 0
    })
  end)

  it("rejected requests are not counted", function()
    local L = solution().SlidingWindow.new { limit = 2, window = 10 }
    local schedule = { { 0, A }, { 1, A } }
    for t = 2, 9 do schedule[#schedule + 1] = { t, R } end
    -- [10,20) at t=15: previous window [0,10) counted 2 (not 10): 2 * 0.5 + 0 = 1
    schedule[#schedule + 1] = { 15, A }
    schedule[#schedule + 1] = { 15, R } -- 1 + 1 = 2
    run(L, schedule, function(l, t) return l:allow(t) end)
  end)

  it("a window that is not adjacent does not weigh on the next one", function()
    local L = solution().SlidingWindow.new { limit = 3, window = 2 }
    run(L, {
      { 0, A }, { 0, A }, { 0, A }, { 1, R },
      { 4.5, A }, { 4.5, A }, { 4.5, A }, -- window [4,6); [2,4) had nothing
      { 4.5, R },
    }, function(l, t) return l:allow(t) end)
  end)

  it("rejects bad configuration and a clock going backwards, naming the field", function()
    local SW = solution().SlidingWindow
    expect(function() SW.new { limit = 0, window = 1 } end, "limit = 0"):to_fail("limit")
    expect(function() SW.new { limit = 1.5, window = 1 } end, "limit = 1.5"):to_fail("limit")
    expect(function() SW.new { limit = 3, window = 0 } end, "window = 0"):to_fail("window")
    local L = SW.new { limit = 3, window = 1 }
    L:allow(2)
    expect(function() L:allow(1.5) end, "allow(1.5) after allow(2)"):to_fail("now")
  end)
end)

task("Per-key limiters with idle expiry", function()
  it("each key gets its own limiter from the factory", function()
    local S = solution()
    local made = {}
    local K = S.KeyedLimiter.new(function(key)
      made[#made + 1] = key
      return S.TokenBucket.new { rate = 1, burst = 2 }
    end, 60)
    local got = {}
    for _, key in ipairs { "alice", "alice", "alice", "bob", "bob", "alice" } do
      got[#got + 1] = K:allow(key, 0)
    end
    expect(got, "alice x3, bob x2, alice at t=0 with burst 2"):to_equal({ A, A, R, A, A, R })
    expect(made, "keys the factory was called for"):to_equal({ "alice", "bob" })
    expect(K:size(), "size()"):to_be(2)
  end)

  it("a key idle for `idle` seconds expires and starts over with a fresh limiter", function()
    local S = solution()
    local K = S.KeyedLimiter.new(function()
      return S.TokenBucket.new { rate = 0.01, burst = 1 } -- one request, then 100 s to refill
    end, 10)
    local got = {}
    got[1] = K:allow("a", 0)  -- fresh: allowed
    got[2] = K:allow("b", 5)  -- fresh: allowed
    got[3] = K:allow("a", 8)  -- 0.08 tokens: rejected, but a was seen at 8
    got[4] = K:allow("c", 15) -- b (seen at 5) expires at 15; a (seen at 8) at 18
    expect(K:size(), "size() at t=15: a and c; b expired"):to_be(2)
    got[5] = K:allow("a", 17.5) -- not expired (seen at 8 + 10 > 17.5): 0.175 tokens, rejected
    got[6] = K:allow("a", 27.5) -- seen at 17.5, expires at 27.5: a fresh limiter
    got[7] = K:allow("b", 27.5) -- fresh again
    expect(got, "answers at t = 0 5 8 15 17.5 27.5 27.5"):to_equal({ A, A, R, A, R, A, A })
    expect(K:size(), "size() at t=27.5: a and b; c expired at 25"):to_be(2)
  end)

  it("the limiter kind is a strategy: a sliding window or any object with allow(now)", function()
    local S = solution()
    local calls = {}
    local K = S.KeyedLimiter.new(function(key)
      if key == "window" then return S.SlidingWindow.new { limit = 1, window = 1 } end
      return { allow = function(_, now) calls[#calls + 1] = now; return now >= 3 end }
    end, 100)
    local got = { K:allow("window", 0), K:allow("window", 0.5), K:allow("x", 2), K:allow("x", 3) }
    expect(got, "answers"):to_equal({ A, R, R, A })
    expect(calls, "times handed to the custom limiter"):to_equal({ 2, 3 })
  end)

  it("expiry costs no scan: 30000 keys seen once each stay within 5e7 instructions", function()
    local S = solution()
    local always = { allow = function() return true end }
    local K = S.KeyedLimiter.new(function() return always end, 1)
    for i = 1, 30000 do
      K:allow(i, i / 1000) -- each key expires a second later: about 1000 keys live at a time
    end
    local size = K:size()
    if size < 999 or size > 1001 then expect(size, "size() after 30000 keys over 30 s, idle 1 s"):to_be(1000) end
    -- Scanning all live keys per request is ~1000 steps each: 3e7 steps, over the limit with the rest.
  end, { instructions = 5e7, timeout = 30 })

  it("rejects a factory that is not a function and an idle that is not positive", function()
    local S = solution()
    local f = function() return S.TokenBucket.new { rate = 1, burst = 1 } end
    expect(function() S.KeyedLimiter.new(nil, 10) end, "new(nil, 10)"):to_fail("factory")
    expect(function() S.KeyedLimiter.new(f, 0) end, "new(f, 0)"):to_fail("idle")
    local K = S.KeyedLimiter.new(f, 10)
    expect(function() K:allow(nil, 0) end, "allow(nil, 0)"):to_fail("key")
  end)
end)
