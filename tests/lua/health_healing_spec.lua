-- health_healing_spec: examples/health_healing.lua against its timeline worked by hand.
-- Hangs at 100 s and 400 s; probes every 5 s; unhealthy after 3 failed probes (at 110 s), a
-- restart 20 s later (130 s) that takes 10 s (back at 140 s), healthy after 2 good probes (145 s).
local rows
do
  local real_print = print
  print = function() end
  rows = dofile("examples/health_healing.lua")
  print = real_print
end

describe("the auto-healing example", function()
  it("without healing, the backend is down from its first hang on", function()
    expect(rows[1].served):to_be_near(100 / 600, 1e-12)       -- up 0..100 s
    expect(rows[1].availability):to_be_near(110 / 600, 1e-12) -- judged healthy until 110 s
    expect(rows[1].restarts):to_be(0)
  end)

  it("with a restart after 20 s unhealthy, each hang costs 40 s of service", function()
    expect(rows[2].served):to_be_near((600 - 2 * 40) / 600, 1e-12)       -- down 100..140, 400..440
    expect(rows[2].availability):to_be_near((600 - 2 * 35) / 600, 1e-12) -- unhealthy 110..145, 410..445
    expect(rows[2].restarts):to_be(2)
  end)
end)
