-- retry_storm_spec: examples/retry_storm.lua's simulator rows against the arithmetic of its
-- outage: 100 requests/s for 60 s, every dependency call failing from 20 s to 40 s, 4 attempts.
local rows
do
  local real_print = print
  print = function() end -- the example prints its table; the spec wants the rows only
  rows = dofile("examples/retry_storm.lua")
  print = real_print
end
local alone, budget, breaker = rows[1], rows[2], rows[3]
local requests, outage_share = 6000, 20 / 60

describe("the retry storm example (simulator)", function()
  it("runs every request of the minute", function()
    for _, r in ipairs(rows) do
      expect(math.abs(r.requests - requests) <= 0.03 * requests):to_be(true)
    end
  end)

  it("without a breaker, retries double the dependency's load: 1 + 3 x 20/60", function()
    -- each request in the outage makes 4 attempts: 3 extra calls for a third of the requests
    local want = 1 + 3 * outage_share
    expect(math.abs(alone.amplification - want) < 0.05):to_be(true)
    expect(alone.retries > 0.95 * 3 * outage_share * alone.requests):to_be(true)
  end)

  it("a budget of 0.2 holds retries to a fifth of the requests in the outage", function()
    -- per 10 s window: 0.2 x its requests + budget_min (1/s) x 10 s; the outage spans two
    -- windows' worth of requests (2000) and a third window's edge
    local bound = 0.2 * outage_share * budget.requests + 1 * 30
    expect(budget.retries <= bound):to_be(true)
    expect(budget.amplification < 0.6 * alone.amplification):to_be(true)
  end)

  it("with a breaker, the storm is cut: fewer calls reach the dependency than requests", function()
    expect(breaker.amplification < 1):to_be(true)
    expect(breaker.dep_calls < 0.4 * alone.dep_calls):to_be(true)
    expect(breaker.short_circuited > 0.8 * outage_share * breaker.requests):to_be(true)
    expect(breaker.breaker_changes >= 2):to_be(true) -- it opened, and closed again after
  end)

  it("success stays about the healthy 40 of 60 s either way", function()
    for _, r in ipairs(rows) do
      expect(r.success > 0.6 and r.success < 0.72):to_be(true)
    end
    expect(breaker.success <= alone.success):to_be(true)
  end)
end)
