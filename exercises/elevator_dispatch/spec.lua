-- Tests of the elevator_dispatch exercise. The strategy is run by designkit's own elevator
-- (dk.elevator), which checks its safety invariants before every car move; the baseline is its
-- built-in FCFS strategy on the same seeded workloads. Nothing here reads the reference.
local dk = require "designkit"

local DISPATCH = { fcfs = true, nearest = true, scan = true, look = true }

-- Runs dk.elevator with the solution's strategy; the run's error (a safety check that fired,
-- a bad floor) becomes a failure that quotes it.
local function run(opts, what)
  local S = solution()
  expect(type(S) == "table" and type(S.choose), "the solution returns a table with a function choose")
    :to_be("function")
  local dispatch = S.dispatch == nil and "look" or S.dispatch
  expect(DISPATCH[dispatch], "Strategy.dispatch (" .. tostring(dispatch) .. ") is fcfs, nearest, scan or look")
    :to_be(true)
  local o = { strategy = S.choose, dispatch = dispatch }
  for k, v in pairs(opts) do o[k] = v end
  local ok, r = pcall(dk.elevator.simulate, o)
  expect(ok and "no error" or tostring(r), what .. ": the run with your strategy"):to_be("no error")
  return r
end

local function fcfs(opts)
  local o = { strategy = "fcfs" }
  for k, v in pairs(opts) do o[k] = v end
  return dk.elevator.simulate(o)
end

-- The seeded workloads of task 3: 16 floors, 3 cars of 10, 1500 passengers at 0.2 a tick.
local function workload(traffic, seed)
  return { floors = 16, cars = 3, capacity = 10, traffic = traffic, count = 1500, rate = 0.2, seed = seed }
end

local MARGIN = 0.25 -- the mean wait must be at least 25% below FCFS's

local function beats_fcfs(traffic, label)
  local mine, base = 0, 0
  for seed = 1, 3 do
    local w = workload(traffic, seed)
    local r = run(w, label .. " seed " .. seed)
    expect(r.served, label .. " seed " .. seed .. ": passengers served"):to_be(1500)
    mine, base = mine + r.mean_wait / 3, base + fcfs(w).mean_wait / 3
  end
  score("mean wait (" .. label .. ")", mine, { unit = "ticks", better = "lower", baseline = base,
                                               target = (1 - MARGIN) * base })
  expect(mine, string.format("%s: mean wait over seeds 1-3 (FCFS: %.3f; needed below %.3f)", label, base,
    (1 - MARGIN) * base)):to_be_less_than((1 - MARGIN) * base)
end

-- A car call the car would leave behind: one at its own floor when it moves off, or one strictly
-- between its floor and the chosen stop.
local function passed_call(car, stop)
  if stop == car.floor then return nil end
  local lo, hi = math.min(car.floor, stop), math.max(car.floor, stop)
  for _, c in ipairs(car.car_calls) do
    if c == car.floor or (c > lo and c < hi) then return c end
  end
  return nil
end

local function show(car)
  return string.format("car at floor %d going %s of %d floors, car calls {%s}, hall calls {%s}", car.floor,
    car.direction, car.floors, table.concat(car.car_calls, ", "), table.concat(car.hall_calls, ", "))
end

local function view(floors, floor, direction, car_calls, hall_calls)
  return { number = 1, floor = floor, direction = direction, floors = floors, tick = 100,
           car_calls = car_calls, hall_calls = hall_calls }
end

task("A strategy that serves its car", function()
  it("with calls, choose returns a whole floor of the shaft; idle, a floor or nil", function()
    local choose = solution().choose
    local cases = {
      view(10, 4, "up", { 6, 9 }, {}),
      view(10, 4, "down", { 1 }, { 7 }),
      view(10, 0, "up", {}, { 0 }),
      view(10, 9, "down", {}, { 3, 5 }),
      view(2, 1, "down", { 0 }, {}),
    }
    for _, car in ipairs(cases) do
      local stop = choose(car)
      expect(math.type(stop), "choose(" .. show(car) .. ") returns a whole number"):to_be("integer")
      expect(stop >= 0 and stop < car.floors, "choose(" .. show(car) .. ") = " .. tostring(stop) .. " is in the shaft")
        :to_be(true)
    end
    local idle = view(10, 5, "up", {}, {})
    local stop = choose(idle)
    expect(stop == nil or (math.type(stop) == "integer" and stop >= 0 and stop < 10),
      "choose(" .. show(idle) .. ") = " .. tostring(stop) .. " is nil or a floor"):to_be(true)
  end)

  it("choose never passes a floor a rider asked for: 3000 random views (seed 5)", function()
    math.randomseed(5)
    local choose = solution().choose
    for _ = 1, 3000 do
      local floors = math.random(2, 30)
      local car = view(floors, math.random(0, floors - 1), math.random(2) == 1 and "up" or "down", {}, {})
      for f = 0, floors - 1 do
        if math.random() < 0.15 then car.car_calls[#car.car_calls + 1] = f end
        if math.random() < 0.15 then car.hall_calls[#car.hall_calls + 1] = f end
      end
      local stop = choose(car)
      if #car.car_calls + #car.hall_calls > 0 then
        expect(math.type(stop), "choose(" .. show(car) .. ") with calls pending"):to_be("integer")
      end
      if stop ~= nil then
        expect(math.type(stop) == "integer" and stop >= 0 and stop < floors,
          "choose(" .. show(car) .. ") = " .. tostring(stop) .. " is a floor of the shaft"):to_be(true)
        local c = passed_call(car, stop)
        expect(c, "choose(" .. show(car) .. ") = " .. stop .. " passes the car call for floor " .. tostring(c))
          :to_be(nil)
      end
    end
  end)

  it("one car serves four passengers worked by hand, the safety checks holding", function()
    local r = run({ floors = 10, cars = 1, capacity = 4, passengers = {
      { from = 0, to = 5, at = 0 }, { from = 3, to = 1, at = 1 }, { from = 7, to = 2, at = 2 },
      { from = 4, to = 6, at = 8 } } }, "four passengers, one car")
    expect(r.served, "passengers served"):to_be(4)
    expect(r.checks, "safety checks made (one per car move)"):to_be_greater_than(0)
  end)
end)

task("Safe under load", function()
  it("1000 passengers in each traffic pattern, small crowded cars: everyone served, no check fires", function()
    for _, traffic in ipairs { "up-peak", "down-peak", "interfloor" } do
      local r = run({ floors = 20, cars = 4, capacity = 4, traffic = traffic, count = 1000, rate = 0.3, seed = 9 },
        traffic)
      expect(r.served, traffic .. ": passengers served"):to_be(1000)
      expect(r.stranded + r.abandoned, traffic .. ": passengers stranded or gone"):to_be(0)
    end
  end, { instructions = 1e9, timeout = 60 })

  it("maintenance, a fire recall and a return to service: nobody is left behind", function()
    local r = run({ floors = 12, cars = 3, capacity = 8, traffic = "interfloor", count = 1000, rate = 0.2, seed = 4,
      modes = { { at = 300, mode = "maintenance", car = 2 }, { at = 900, mode = "service", car = 2 },
                { at = 2000, mode = "fire" }, { at = 2100, mode = "service", car = 1 },
                { at = 2100, mode = "service", car = 2 }, { at = 2100, mode = "service", car = 3 } } },
      "with maintenance and a fire recall")
    expect(r.recalls, "fire recalls applied"):to_be(1)
    expect(r.served + r.evacuated, "passengers served or evacuated"):to_be(1000)
    expect(r.stranded, "passengers stranded at the end"):to_be(0)
  end)
end)

task("Beat FCFS (scored)", function()
  it("up-peak: mean wait at least 25% below FCFS's (16 floors, 3 cars of 10, seeds 1-3)", function()
    beats_fcfs("up-peak", "up-peak")
  end, { instructions = 1e9, timeout = 90 })

  it("inter-floor: mean wait at least 25% below FCFS's (16 floors, 3 cars of 10, seeds 1-3)", function()
    beats_fcfs("interfloor", "inter-floor")
  end, { instructions = 1e9, timeout = 90 })
end)
