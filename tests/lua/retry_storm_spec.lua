-- retry_storm_spec: examples/retry_storm.lua's rows against the arithmetic of its outage: 100
-- requests/s, 4 attempts each while the dependency fails for 20 s, calls hanging 0.5 s.
local rows
do
  local real_print = print
  print = function() end -- the example prints its table; the spec wants the rows only
  rows = dofile("examples/retry_storm.lua")
  print = real_print
end
local alone, guarded = rows[1], rows[2]

describe("the retry storm example", function()
  it("without a breaker, the failing dependency receives about 4x the offered load", function()
    -- every request arriving in the outage makes 4 attempts: 400/s, less the edges of the
    -- 20 s window (attempts spread over the ~2.5 s a request retries for)
    expect(alone.load_down > 350 and alone.load_down <= 400):to_be(true)
    expect(alone.peak > 350):to_be(true)
  end)

  it("with a breaker, the dependency sees a trickle of trial calls", function()
    expect(guarded.load_down < 0.05 * alone.load_down):to_be(true)
    expect(guarded.peak <= 100):to_be(true) -- never more than the offered load
    expect(guarded.amplification < 1):to_be(true)
    expect(alone.amplification > 1.9):to_be(true) -- 1 + 3 * 20/60
  end)

  it("fails fast: the p99 falls from four timeouts to about one", function()
    expect(alone.p99 >= 4 * 0.5):to_be(true)
    expect(guarded.p99 < 1):to_be(true)
  end)

  it("loses no more than a few points of success to the breaker's wait", function()
    -- 40 of the 60 s are healthy: about 2/3 succeed either way
    expect(alone.success > 0.66 and alone.success < 0.72):to_be(true)
    expect(guarded.success > 0.6 and guarded.success <= alone.success):to_be(true)
  end)
end)
