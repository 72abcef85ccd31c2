-- Run with: designkit examples/elevator_modes.lua
-- The elevator's doors, modes and a dispatch strategy written in Lua: one seeded workload run
-- with timed doors, then with a car taken out for maintenance and a fire recall, then with a
-- strategy function (nearest-first, as a learner would write it) against the built-in one.
local dk = require "designkit"

local base = { floors = 12, cars = 3, capacity = 8, traffic = "interfloor", count = 1500,
               rate = 0.25, seed = 7, door_open = 1, dwell = 2, door_close = 1 }
local function run(extra)
  local o = {}
  for k, v in pairs(base) do o[k] = v end
  for k, v in pairs(extra) do o[k] = v end
  return dk.elevator.simulate(o)
end
local function show(label, r)
  print(string.format("%-22s served %4d  evacuated %2d  stranded %2d  mean wait %6.2f  "
                      .. "reopenings %3d  redispatched %2d", label, r.served, r.evacuated,
                      r.stranded, r.mean_wait, r.reopenings, r.redispatched))
end

show("timed doors", run {})
show("car 2 in maintenance", run { modes = { { at = 500, mode = "maintenance", car = 2 },
                                             { at = 3000, mode = "service", car = 2 } } })
show("fire recall at 4000", run { modes = { { at = 4000, mode = "fire" } } })

-- A strategy function: the car's nearest stop, ties to the lower floor; nil leaves it idle.
local function nearest(car)
  local best
  for _, list in ipairs { car.car_calls, car.hall_calls } do
    for _, f in ipairs(list) do
      local d = math.abs(f - car.floor)
      if not best or d < math.abs(best - car.floor)
         or (d == math.abs(best - car.floor) and f < best) then
        best = f
      end
    end
  end
  return best
end
local mine = run { strategy = nearest, dispatch = "nearest" }
local builtin = run { strategy = "nearest" }
show("nearest, in Lua", mine)
show("nearest, built in", builtin)
assert(mine.mean_wait == builtin.mean_wait and mine.stops == builtin.stops)

-- The doors' state machine, drawn when a path is given: designkit elevator_modes.lua doors.svg
local out = ...
if out then assert(dk.elevator.draw_doors(out, { door_open = 1, dwell = 2, door_close = 1 })) end
