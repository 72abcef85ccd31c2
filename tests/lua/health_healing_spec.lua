-- health_healing_spec: examples/health_healing.lua's simulator rows against the arithmetic of
-- its timeline, worked here from the design's numbers and not from the code's output.
local rows
do
  local real_print = print
  print = function() end -- the example prints its table; the spec wants the rows only
  rows = dofile("examples/health_healing.lua")
  print = real_print
end
local none, unhealed, healed = rows[1], rows[2], rows[3]

local RUN, RATE = 600, 100
local HANGS = { 100, 400 }                       -- hang_at = 100 s, hang_every = 300 s
local I, TIMEOUT, U, H = 5, 1, 3, 2              -- probes: interval, timeout, thresholds
local R, B = 20, 10                              -- restart_after, restart_time

-- The timeline of one hang at `at`, probes leaving at 0, I, 2I, ...: the first probe served
-- after the hang fails, and so do the next U - 1; the U-th failure is its timeout. A restart
-- follows R later and takes B; the first probe after that succeeds, and the H-th in a row
-- brings the backend back. Returns when it was judged unhealthy and when healthy again.
local function timeline(at)
  local first = math.ceil(at / I) * I
  local unhealthy = first + (U - 1) * I + TIMEOUT
  local back = unhealthy + R + B
  local good = math.ceil(back / I) * I
  return unhealthy, good + (H - 1) * I
end

describe("the auto-healing example (simulator)", function()
  it("runs every request of the ten minutes", function()
    for _, r in ipairs(rows) do
      expect(r.requests):to_be(RUN * RATE)
    end
  end)

  it("without health checks, the requests after the hang wait forever", function()
    local up = HANGS[1] / RUN
    expect(none.served):to_be_near(up, 0.002)
    expect(none.waiting):to_be_near((1 - up) * RUN * RATE, 0.002 * RUN * RATE)
    expect(none.restarts):to_be(0)
  end)

  it("with checks and no healing, it is left out from detection on and never comes back", function()
    local unhealthy = timeline(HANGS[1])
    expect(unhealed.served):to_be_near(HANGS[1] / RUN, 0.002)
    -- only the requests sent it between the hang and the verdict still wait
    expect(unhealed.waiting):to_be_near((unhealthy - HANGS[1]) * RATE, 0.02 * RATE)
    expect(unhealed.unhealthy):to_be_near(RUN - unhealthy, 0.1)
    expect(unhealed.restarts):to_be(0)
  end)

  it("with a restart after 20 s, each hang costs detection + restart_after + restart_time + re-admission", function()
    local down, judged = 0, 0
    for _, at in ipairs(HANGS) do
      local unhealthy, healthy = timeline(at)
      down = down + (healthy - at)
      judged = judged + (healthy - unhealthy)
    end
    expect(healed.served):to_be_near(1 - down / RUN, 0.002)
    expect(healed.unhealthy):to_be_near(judged, 0.1)
    expect(healed.restarts):to_be(#HANGS)
    expect(healed.waiting <= 1):to_be(true) -- a restart answers what the hang held
    expect(healed.probes):to_be(RUN / I + 1) -- at 0, 5, ..., 600 s
    -- the rule of thumb, whatever the hang's phase against the probes: detection between
    -- (U - 1) I + timeout and U I + timeout, re-admission between (H - 1) I and H I
    local lo = (U - 1) * I + TIMEOUT + R + B + (H - 1) * I
    local hi = U * I + TIMEOUT + R + B + H * I
    expect(1 - healed.served <= #HANGS * hi / RUN + 0.002):to_be(true)
    expect(1 - healed.served >= #HANGS * lo / RUN - 0.002):to_be(true)
  end)
end)
