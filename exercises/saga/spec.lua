-- Tests of the saga exercise: exact event logs written out by hand, and for random sagas a log
-- computed here from the plan of which actions and compensation attempts fail, never the
-- reference solution.

-- A trip-booking saga over a ledger in ctx; `fail_at` names the step whose action raises.
local function trip(fail_at, opts)
  local S = solution().Saga.new("book-trip", opts)
  local function act(name)
    return function(ctx)
      if name == fail_at then error(name .. " refused", 0) end
      ctx.ledger[#ctx.ledger + 1] = "+" .. name
    end
  end
  local function undo(name)
    return function(ctx) ctx.ledger[#ctx.ledger + 1] = "-" .. name end
  end
  S:step("flight", act("flight"), undo("flight"))
  S:step("hotel", act("hotel"), undo("hotel"))
  S:step("car", act("car"), undo("car"))
  S:step("charge", act("charge"), undo("charge"))
  return S
end

task("Run the steps", function()
  it("a saga whose steps all succeed runs them in order and completes", function()
    local ctx = { ledger = {} }
    local r = trip(nil):run(ctx)
    expect(r.status, "status"):to_be("completed")
    expect(ctx.ledger, "what the steps did to ctx"):to_equal({ "+flight", "+hotel", "+car", "+charge" })
    expect(r.log, "log"):to_equal({ "run flight", "done flight", "run hotel", "done hotel",
                                    "run car", "done car", "run charge", "done charge" })
    expect(r.failed_step, "failed_step of a completed saga"):to_be(nil)
  end)

  it("step returns the saga, so steps chain, and run passes a fresh table when ctx is nil", function()
    local seen
    local S = solution().Saga.new("chain")
    local same = S:step("a", function(ctx) seen = ctx end):step("b", function(ctx) ctx.b = true end)
    expect(same == S, "step() returns the saga itself"):to_be(true)
    local r = S:run()
    expect(type(seen), "type of ctx given to the first step of run()"):to_be("table")
    expect(seen.b, "ctx.b set by step b, seen through the first step's ctx"):to_be(true)
    expect(r.status, "status"):to_be("completed")
  end)

  it("rejects bad definitions, naming the step and the field", function()
    local Saga = solution().Saga
    expect(function() Saga.new("") end, "Saga.new(\"\")"):to_fail("name")
    expect(function() Saga.new("s", { retries = -1 }) end, "retries = -1"):to_fail("retries")
    local S = Saga.new("s")
    S:step("pay", function() end)
    expect(function() S:step("pay", function() end) end, "a second step \"pay\""):to_fail("pay")
    expect(function() S:step("ship", "go") end, "step(\"ship\", \"go\")"):to_fail("action")
    expect(function() S:step("ship", function() end, 42) end, "compensation 42"):to_fail("compensation")
    expect(function() S:step(nil, function() end) end, "step(nil, f)"):to_fail("step name")
  end)
end)

task("Compensate in reverse", function()
  it("a failure at step 3 runs the compensations of steps 2 and 1, in that order", function()
    local ctx = { ledger = {} }
    local r = trip("car"):run(ctx)
    expect(r.status, "status"):to_be("compensated")
    expect(r.failed_step, "failed_step"):to_be("car")
    expect(r.error, "error"):to_be("car refused")
    expect(ctx.ledger, "ledger"):to_equal({ "+flight", "+hotel", "-hotel", "-flight" })
    expect(r.log, "log"):to_equal({ "run flight", "done flight", "run hotel", "done hotel",
                                    "run car", "fail car: car refused",
                                    "undo hotel", "undone hotel", "undo flight", "undone flight" })
  end)

  it("a failure at the first step compensates nothing", function()
    local ctx = { ledger = {} }
    local r = trip("flight"):run(ctx)
    expect(r.status, "status"):to_be("compensated")
    expect(r.log, "log"):to_equal({ "run flight", "fail flight: flight refused" })
    expect(ctx.ledger, "ledger"):to_equal({})
  end)

  it("steps without a compensation are skipped while unwinding", function()
    local order = {}
    local S = solution().Saga.new("order")
    S:step("validate", function() order[#order + 1] = "validate" end) -- nothing to undo
    S:step("reserve", function() end, function() order[#order + 1] = "release" end)
    S:step("notify", function() end)
    S:step("pay", function() error({ code = 402 }) end, function() order[#order + 1] = "refund" end)
    local r = S:run({})
    expect(order, "what ran"):to_equal({ "validate", "release" })
    expect(r.log[#r.log - 1], "second to last log line"):to_be("undo reserve")
    expect(r.log[#r.log], "last log line"):to_be("undone reserve")
    expect(#r.log, "log length (8 lines for the four steps, 2 for the one compensation)"):to_be(10)
  end)
end)

task("Retry and record failed compensations", function()
  it("a failing compensation is retried up to `retries` more times", function()
    local tries = 0
    local S = solution().Saga.new("s", { retries = 2 })
    S:step("a", function() end, function()
      tries = tries + 1
      if tries < 3 then error("timeout " .. tries, 0) end
    end)
    S:step("b", function() error("no", 0) end)
    local r = S:run({})
    expect(r.status, "status"):to_be("compensated")
    expect(r.log, "log"):to_equal({ "run a", "done a", "run b", "fail b: no",
                                    "undo a", "undo failed a: timeout 1", "undo a", "undo failed a: timeout 2",
                                    "undo a", "undone a" })
  end)

  it("a compensation that never succeeds is given up, the rest still run, status failed", function()
    local S = solution().Saga.new("s", { retries = 1 })
    local undone = {}
    S:step("a", function() end, function() undone[#undone + 1] = "a" end)
    S:step("b", function() end, function() error("stuck", 0) end)
    S:step("c", function() error("boom", 0) end)
    local r = S:run({})
    expect(r.status, "status"):to_be("failed")
    expect(undone, "compensations that succeeded"):to_equal({ "a" })
    expect(r.log, "log"):to_equal({ "run a", "done a", "run b", "done b", "run c", "fail c: boom",
                                    "undo b", "undo failed b: stuck", "undo b", "undo failed b: stuck",
                                    "gave up b", "undo a", "undone a" })
  end)

  it("an error object that cannot be turned into text is logged, not fatal", function()
    local bad = setmetatable({}, { __tostring = function() error("no text") end })
    local S = solution().Saga.new("s")
    S:step("a", function() end, function() end)
    S:step("b", function() error(bad) end)
    local ok, r = pcall(S.run, S, {})
    expect(ok, "run() did not raise: " .. tostring(ok and "" or r)):to_be(true)
    expect(r.status, "status"):to_be("compensated")
    expect(r.log[4], "the fail line"):to_match("^fail b: ")
  end)

  it("300 random sagas agree with a log computed from their plan (seed 17)", function()
    math.randomseed(17)
    local Saga = solution().Saga
    for n = 1, 300 do
      local retries = math.random(0, 2)
      local S = Saga.new("saga-" .. n, { retries = retries })
      local steps = math.random(1, 6)
      local want, fail_at = {}, nil
      for i = 1, steps do
        local name = "s" .. i
        local fails = math.random() < 0.25
        local has_comp = math.random() < 0.8
        local comp_failures = math.random(0, 3) -- the first comp_failures attempts raise
        local attempts = 0
        S:step(name, function() if fails then error("x" .. i, 0) end end,
          has_comp and function()
            attempts = attempts + 1
            if attempts <= comp_failures then error("c" .. i .. "." .. attempts, 0) end
          end or nil)
        want[i] = { name = name, fails = fails, has_comp = has_comp, comp_failures = comp_failures }
      end
      -- The expected log, from the plan.
      local log, status = {}, "completed"
      for i, s in ipairs(want) do
        log[#log + 1] = "run " .. s.name
        if not s.fails then
          log[#log + 1] = "done " .. s.name
        else
          log[#log + 1] = "fail " .. s.name .. ": x" .. i
          status = "compensated"
          for j = i - 1, 1, -1 do
            local c = want[j]
            if c.has_comp then
              local a = 0
              repeat
                a = a + 1
                log[#log + 1] = "undo " .. c.name
                if a <= c.comp_failures then
                  log[#log + 1] = "undo failed " .. c.name .. ": c" .. j .. "." .. a
                else
                  log[#log + 1] = "undone " .. c.name
                end
              until a > c.comp_failures or a == 1 + retries
              if a <= c.comp_failures then
                log[#log + 1] = "gave up " .. c.name
                status = "failed"
              end
            end
          end
          break
        end
      end
      local r = S:run({})
      expect(r.log, "saga " .. n .. " (retries " .. retries .. ") log"):to_equal(log)
      expect(r.status, "saga " .. n .. " status"):to_be(status)
    end
  end)
end)
