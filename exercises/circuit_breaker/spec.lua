-- Tests of the circuit_breaker exercise: exact transition schedules worked out by hand, and a
-- plain model written here (a list of outcomes, if/else on a state name) for a random run,
-- never the reference solution.

-- A breaker on a clock the test moves: returns the breaker, a setter for the time and the log
-- of transitions heard by a listener ("from->to@t").
local function make(overrides)
  local now = 0
  local opts = { failure_threshold = 3, window = 5, wait = 10, trial_calls = 2,
                 clock = function() return now end }
  for k, v in pairs(overrides or {}) do opts[k] = v end
  local b = solution().CircuitBreaker.new(opts)
  local log = {}
  if b.on_change then
    pcall(b.on_change, b, function(from, to, t) log[#log + 1] = string.format("%s->%s@%g", from, to, t) end)
  end
  return b, function(t) now = t end, log
end

local function ok() return "ok" end
local function boom() error("boom", 0) end

-- Opens a fresh breaker (threshold 3) with three failures at time t.
local function opened_at(t, overrides)
  local b, at, log = make(overrides)
  at(t)
  for _ = 1, 3 do b:call(boom) end
  return b, at, log
end

task("Closed and open", function()
  it("a closed breaker passes calls through and returns what pcall returns", function()
    local b = make()
    expect({ b:call(function(x, y) return x + y, "sum" end, 2, 3) }, "call(add, 2, 3)"):to_equal({ true, 5, "sum" })
    expect({ b:call(boom) }, "call of a function raising \"boom\""):to_equal({ false, "boom" })
    expect(b:state(), "state() after one failure, threshold 3"):to_be("closed")
  end)

  it("opens when the failures among the last `window` calls reach the threshold", function()
    local b = make { failure_threshold = 3, window = 5 }
    local seq, got, want = "FSFSSSFFF", {}, {}
    for i = 1, #seq do
      b:call(seq:sub(i, i) == "F" and boom or ok)
      got[i] = b:state()
    end
    -- Failures in the last 5 calls after each call: 1 1 2 2 2 1 2 2 3 -> opens after call 9.
    for i = 1, 8 do want[i] = "closed" end
    want[9] = "open"
    expect(got, "state after each call of F S F S S S F F F"):to_equal(want)
  end)

  it("an open breaker rejects calls without running them", function()
    local b, at = opened_at(0)
    at(5)
    local ran = false
    local r = { b:call(function() ran = true end) }
    expect(r, "call() while open"):to_equal({ false, "circuit open" })
    expect(ran, "the function ran while the breaker was open"):to_be(false)
    expect(b:acquire(), "acquire() while open"):to_be(false)
    expect(b:state(), "state() at t=5, opened at 0, wait 10"):to_be("open")
  end)

  it("new rejects bad options, naming the field", function()
    local CB = solution().CircuitBreaker
    local function opts(o)
      local base = { failure_threshold = 3, window = 5, wait = 10, trial_calls = 2, clock = function() return 0 end }
      for k, v in pairs(o) do base[k] = v end
      return base
    end
    expect(function() CB.new(opts { window = 0 }) end, "window = 0"):to_fail("window")
    expect(function() CB.new(opts { failure_threshold = 0 }) end, "failure_threshold = 0"):to_fail("failure_threshold")
    expect(function() CB.new(opts { failure_threshold = 6 }) end, "failure_threshold 6 > window 5"):to_fail("failure_threshold")
    expect(function() CB.new(opts { wait = -1 }) end, "wait = -1"):to_fail("wait")
    expect(function() CB.new(opts { trial_calls = 1.5 }) end, "trial_calls = 1.5"):to_fail("trial_calls")
    expect(function() CB.new(opts { clock = 42 }) end, "clock = 42"):to_fail("clock")
  end)
end)

task("Half-open trials", function()
  it("after `wait` seconds it is half-open and lets exactly trial_calls calls through", function()
    local b, at = opened_at(100)
    at(109.5)
    expect(b:acquire(), "acquire() at t=109.5, opened at 100, wait 10"):to_be(false)
    at(110)
    expect(b:state(), "state() at t=110"):to_be("half_open")
    expect({ b:acquire(), b:acquire(), b:acquire() }, "three acquire() with trial_calls 2"):to_equal({ true, true, false })
  end)

  it("all trials succeeding close it, with the old failures forgotten", function()
    local b, at = opened_at(0)
    at(10)
    b:call(ok)
    expect(b:state(), "state() after one of two trials succeeded"):to_be("half_open")
    b:call(ok)
    expect(b:state(), "state() after both trials succeeded"):to_be("closed")
    b:call(boom); b:call(boom)
    expect(b:state(), "state() after two new failures (threshold 3)"):to_be("closed")
    b:call(boom)
    expect(b:state(), "state() after the third new failure"):to_be("open")
  end)

  it("a failing trial opens it again for another full wait", function()
    local b, at = opened_at(0)
    at(12)
    b:call(boom) -- the trial fails at t=12: open until 22
    at(21.5)
    expect({ b:call(ok) }, "call() at t=21.5"):to_equal({ false, "circuit open" })
    at(22)
    expect({ b:call(ok) }, "call() at t=22"):to_equal({ true, "ok" })
    expect(b:state(), "state() after one successful trial of two"):to_be("half_open")
  end)

  it("an outcome reported while open is ignored", function()
    local b, at = opened_at(0)
    at(10)
    expect({ b:acquire(), b:acquire() }, "two trial permits"):to_equal({ true, true })
    b:failure()  -- the first trial fails: open again
    b:success()  -- the second trial's success arrives while open
    expect(b:state(), "state() after failure() then success() of the two trials"):to_be("open")
  end)
end)

task("Listeners", function()
  it("listeners hear every transition with its time, in subscription order", function()
    local now = 0
    local b = solution().CircuitBreaker.new { failure_threshold = 2, window = 2, wait = 5,
                                              trial_calls = 1, clock = function() return now end }
    local log = {}
    b:on_change(function(from, to, t) log[#log + 1] = string.format("A %s->%s@%g", from, to, t) end)
    b:on_change(function(from, to, t) log[#log + 1] = string.format("B %s->%s@%g", from, to, t) end)
    now = 1; b:call(boom)
    now = 2; b:call(boom)            -- opens at 2
    now = 7; b:call(boom)            -- half-open at 7, the trial fails: open at 7
    now = 12; b:call(ok)             -- half-open at 12, the trial succeeds: closed
    expect(log, "transitions heard"):to_equal({
      "A closed->open@2", "B closed->open@2",
      "A open->half_open@7", "B open->half_open@7", "A half_open->open@7", "B half_open->open@7",
      "A open->half_open@12", "B open->half_open@12", "A half_open->closed@12", "B half_open->closed@12",
    })
  end)

  it("state() turns an expired open breaker half-open and the listeners hear it then", function()
    local b, at, log = opened_at(3)
    at(13)
    b:state()
    at(14)
    b:state()
    expect(log, "transitions heard"):to_equal({ "closed->open@3", "open->half_open@13" })
  end)

  it("2000 random calls agree with a plain model (seed 3)", function()
    local T, W, WAIT, TRIALS = 3, 6, 4, 2
    local b, at, log = make { failure_threshold = T, window = W, wait = WAIT, trial_calls = TRIALS }
    -- The model: a state name and a list of recent outcomes.
    local state, recent, opened, granted, passed, mlog = "closed", {}, 0, 0, 0, {}
    local function go(to, t)
      mlog[#mlog + 1] = string.format("%s->%s@%g", state, to, t)
      state = to
      if to == "closed" then recent = {} end
      if to == "open" then opened = t end
      if to == "half_open" then granted, passed = 0, 0 end
    end
    math.randomseed(3)
    local t = 0
    for i = 1, 2000 do
      t = t + math.random(0, 4) / 2
      at(t)
      local fails = math.random() < 0.45
      local got = { b:call(fails and boom or ok) }
      local allowed = true
      if state == "open" and t >= opened + WAIT then go("half_open", t) end
      if state == "open" then
        allowed = false
      elseif state == "half_open" then
        if granted < TRIALS then granted = granted + 1 else allowed = false end
      end
      if allowed then
        if state == "closed" then
          recent[#recent + 1] = fails
          if #recent > W then table.remove(recent, 1) end
          local n = 0
          for _, f in ipairs(recent) do if f then n = n + 1 end end
          if n >= T then go("open", t) end
        elseif fails then
          go("open", t)
        else
          passed = passed + 1
          if passed >= TRIALS then go("closed", t) end
        end
      end
      local want = not allowed and { false, "circuit open" } or fails and { false, "boom" } or { true, "ok" }
      expect(got, "call #" .. i .. " at t=" .. t .. (fails and " (failing)" or "")):to_equal(want)
    end
    expect(log, "transitions over the run"):to_equal(mlog)
  end, { timeout = 30 })

  it("on_change rejects a listener that is not a function", function()
    local b = make()
    expect(function() b:on_change("print") end, "on_change(\"print\")"):to_fail("listener")
  end)
end)
