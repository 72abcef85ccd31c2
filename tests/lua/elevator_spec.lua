-- elevator_spec: dk.elevator from Lua: the disk-arm schedule against a reference written here,
-- a small scenario worked by hand, seeded runs that repeat, and bad input naming its place.
local dk = require "designkit"

local QUEUE = { 98, 183, 37, 122, 14, 124, 65, 67 }

-- FCFS and nearest-first travel, computed here from their definitions.
local function reference(start, requests, nearest)
  local left, at, travel = {}, start, 0
  for i, r in ipairs(requests) do left[i] = r end
  while #left > 0 do
    local best = 1
    if nearest then
      for i = 2, #left do
        if math.abs(left[i] - at) < math.abs(left[best] - at) then best = i end
      end
    end
    travel = travel + math.abs(left[best] - at)
    at = table.remove(left, best)
  end
  return travel
end

describe("dk.elevator.seek", function()
  it("travels 640 (FCFS) and 236 (nearest) on the textbook queue", function()
    local fcfs = dk.elevator.seek { requests = QUEUE, start = 53, strategy = "fcfs", hi = 199 }
    local sstf = dk.elevator.seek { requests = QUEUE, start = 53, strategy = "nearest", hi = 199 }
    expect(fcfs.travel):to_be(640)
    expect(fcfs.travel):to_be(reference(53, QUEUE, false))
    expect(sstf.travel):to_be(236)
    expect(sstf.travel):to_be(reference(53, QUEUE, true))
    expect(table.concat(sstf.order, ",")):to_be("65,67,37,14,98,122,124,183")
  end)

  it("never has LOOK travel more than SCAN", function()
    local seed = 1
    local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
    for _ = 1, 200 do
      local req = {}
      for i = 1, 1 + rand(20) do req[i] = rand(200) end
      for _, dir in ipairs { "up", "down" } do
        local o = { requests = req, start = rand(200), direction = dir, hi = 199 }
        o.strategy = "scan"
        local scan = dk.elevator.seek(o).travel
        o.strategy = "look"
        expect(dk.elevator.seek(o).travel <= scan):to_be(true)
      end
    end
  end)

  it("names bad input", function()
    expect(function() dk.elevator.seek { requests = { 5, 300 }, start = 0, hi = 199 } end)
      :to_fail("elevator_spec.lua:%d+: seek: request 2 %(300%) is outside 0..199")
    expect(function() dk.elevator.seek { requests = { 1 }, start = 0, strategy = "elevator" } end)
      :to_fail("seek: unknown strategy \"elevator\"")
    expect(function() dk.elevator.seek { requests = { 1 } } end):to_fail("seek: start is missing")
  end)
end)

describe("dk.elevator.simulate", function()
  it("runs a scenario worked by hand", function()
    -- Five at the lobby for floor 3, one car for two, doors open 1 tick: three round trips,
    -- boarding at ticks 0, 8 and 16, each ride 4 ticks (3 floors and the stop).
    local passengers = {}
    for i = 1, 5 do passengers[i] = { from = 0, to = 3 } end
    local r = dk.elevator.simulate { floors = 4, capacity = 2, dwell = 1, passengers = passengers }
    expect(r.served):to_be(5)
    expect(r.stops):to_be(6)
    expect(r.ticks):to_be(20)
    expect(r.mean_ride):to_be(4)
    expect(r.mean_wait):to_be((0 + 0 + 8 + 8 + 16) / 5)
    expect(r.p95_wait):to_be(16)
  end)

  it("repeats a seeded run and serves everyone under every strategy", function()
    for _, s in ipairs { "fcfs", "nearest", "scan", "look", "destination" } do
      local o = { floors = 10, cars = 2, capacity = 6, strategy = s, traffic = "interfloor",
                  count = 500, rate = 0.2, seed = 3 }
      local a, b = dk.elevator.simulate(o), dk.elevator.simulate(o)
      expect(a.served):to_be(500)
      expect(a.strategy):to_be(s)
      expect(a.mean_wait):to_be(b.mean_wait)
      expect(a.p95_ride):to_be(b.p95_ride)
      expect(a.p95_wait >= a.mean_wait):to_be(true)
    end
  end)

  it("cancels the call of a passenger who gives up", function()
    local r = dk.elevator.simulate { floors = 10, strategy = "nearest", passengers = {
      { from = 5, to = 0 }, { from = 9, to = 0, patience = 2 } } }
    expect(r.abandoned):to_be(1)
    expect(r.cancelled_calls):to_be(1)
    expect(r.highest):to_be(5)
  end)

  it("names bad input", function()
    expect(function() dk.elevator.simulate { floors = 5, passengers = { { from = 1, to = 9 } } } end)
      :to_fail("elevator_spec.lua:%d+: elevator: passenger 1: floor 1 %-> 9 is outside 0..4")
    expect(function() dk.elevator.simulate { floors = 5, passengers = { { from = 1 } } } end)
      :to_fail("simulate: passengers%[1%]: to is missing")
    expect(function() dk.elevator.simulate { floors = 5, traffic = "up-peak", strategy = "lok" } end)
      :to_fail("did you mean \"look\"")
    expect(function() dk.elevator.simulate { floors = 5 } end)
      :to_fail("simulate: passengers or traffic is missing")
    expect(function() dk.elevator.simulate { floors = 5, traffic = "up-peak", rate = 0 } end)
      :to_fail("simulate: traffic: rate must be > 0")
    expect(function() dk.elevator.simulate { floors = 5, cars = 0, traffic = "up-peak" } end)
      :to_fail("elevator: cars must be 1 to 64 %(got 0%)")
  end)
end)
