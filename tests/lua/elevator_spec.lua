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

describe("dk.elevator.simulate: doors, modes and a strategy function", function()
  -- Nearest-first written here: the nearest stop of the car, ties to the lower floor.
  local function nearest(car)
    local best
    for _, list in ipairs { car.car_calls, car.hall_calls } do
      for _, f in ipairs(list) do
        local d, b = math.abs(f - car.floor), best and math.abs(best - car.floor)
        if not best or d < b or (d == b and f < best) then best = f end
      end
    end
    return best
  end

  it("runs a Lua strategy as the built-in one it copies", function()
    local o = { floors = 10, cars = 2, capacity = 6, strategy = "nearest", traffic = "interfloor",
                count = 400, rate = 0.2, seed = 3 }
    local builtin = dk.elevator.simulate(o)
    o.strategy, o.dispatch = nearest, "nearest" -- hall calls given as "nearest" gives them
    local mine = dk.elevator.simulate(o)
    expect(mine.strategy):to_be("function")
    expect(mine.served):to_be(400)
    for _, k in ipairs { "mean_wait", "p95_wait", "mean_ride", "p95_ride", "stops", "ticks",
                         "checks", "merged_calls" } do
      expect(mine[k]):to_be(builtin[k])
    end
    expect(function() dk.elevator.simulate { floors = 5, traffic = "up-peak", dispatch = "look" } end)
      :to_fail("simulate: dispatch goes with a strategy function")
  end)

  it("makes the safety check fire for a strategy that passes an accepted stop", function()
    local function farthest(car)
      if #car.car_calls > 0 then return car.car_calls[#car.car_calls] end
      return car.hall_calls[1]
    end
    expect(function()
      dk.elevator.simulate { floors = 8, strategy = farthest,
                             passengers = { { from = 0, to = 2 }, { from = 0, to = 5 } } }
    end):to_fail("elevator_spec.lua:%d+: elevator: car 1 at floor 2 on tick 4 passes a floor it "
                 .. "accepted a car call for")
  end)

  it("locates the errors of a strategy function", function()
    local trip = { { from = 0, to = 3 } }
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip, strategy = function() error("boom") end }
    end):to_fail("elevator_spec.lua:%d+: elevator strategy: .*elevator_spec.lua:%d+: boom")
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip, strategy = function() return "up" end }
    end):to_fail("elevator strategy: car 1 must get a whole floor number or nil %(got string%)")
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip, strategy = function() return 9 end }
    end):to_fail("elevator strategy: car 1 at floor 0 on tick 0: floor 9 is outside 0..4")
  end)

  it("times the doors and reopens them for a late arrival", function()
    -- Worked by hand: open at 1, dwell to 3, closing 3..6; B at 4 reopens them (open at 5),
    -- dwell to 7, close to 10, three floors to 13, open at 14.
    local r = dk.elevator.simulate { floors = 5, door_open = 1, dwell = 2, door_close = 3,
      passengers = { { from = 0, to = 3 }, { from = 0, to = 3, at = 4 } } }
    expect(r.reopenings):to_be(1)
    expect(r.ticks):to_be(14)
    expect(r.mean_ride):to_be(((14 - 1) + (14 - 5)) / 2)
  end)

  it("re-dispatches around maintenance and empties the cars on a fire recall", function()
    local r = dk.elevator.simulate { floors = 8, cars = 2, strategy = "nearest",
      passengers = { { from = 5, to = 0 } }, modes = { { at = 2, mode = "maintenance", car = 1 } } }
    expect(r.served):to_be(1)
    expect(r.redispatched):to_be(1)
    expect(r.maintenance):to_be(1)
    expect(r.mean_wait):to_be(7)
    local passengers = { { from = 0, to = 9 }, { from = 5, to = 0, at = 1 } }
    r = dk.elevator.simulate { floors = 10, passengers = passengers,
                               modes = { { at = 3, mode = "fire" } } }
    expect(r.recalls):to_be(1)
    expect(r.evacuated):to_be(1)
    expect(r.stranded):to_be(1)
    expect(r.served + r.abandoned + r.evacuated + r.stranded):to_be(2)
  end)

  it("names bad doors and modes", function()
    local trip = { { from = 0, to = 3 } }
    expect(function() dk.elevator.simulate { floors = 5, passengers = trip, door_open = -1 } end)
      :to_fail("elevator_spec.lua:%d+: simulate: door_open must be a whole number from 0 to 1000")
    expect(function() dk.elevator.simulate { floors = 5, passengers = trip, door_close = 2.5 } end)
      :to_fail("simulate: door_close must be a whole number")
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip, modes = { { at = 1, mode = "fir" } } }
    end):to_fail("simulate: modes%[1%]: unknown mode \"fir\".*did you mean \"fire\"")
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip, modes = { { mode = "fire" } } }
    end):to_fail("simulate: modes%[1%]: at is missing")
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip,
                             modes = { { at = 1, mode = "maintenance" } } }
    end):to_fail("elevator: mode 1: maintenance: car must be 1 to 1 %(got 0%)")
    expect(function()
      dk.elevator.simulate { floors = 5, passengers = trip, modes = { { at = 1, mode = "fire",
                                                                          when = 2 } } }
    end):to_fail("modes%[1%]")
    expect(function() dk.elevator.simulate { floors = 5, passengers = trip, modes = 3 } end)
      :to_fail("simulate: modes must be a list %(got number%)")
    expect(function() dk.elevator.simulate { floors = 5, passengers = trip, max_ticks = 2e9 } end)
      :to_fail("simulate: max_ticks must be a whole number from 1 to 1000000000")
    local drawn, why = dk.elevator.draw_doors("doors.svg") -- specs run with no write scope
    expect(drawn):to_be(nil)
    expect(why:find("cannot write", 1, true) ~= nil):to_be(true)
    expect(function() dk.elevator.draw_doors("doors.svg", { dwell = 0 }) end)
      :to_fail("draw_doors: dwell must be a whole number from 1 to 1000")
  end)
end)
