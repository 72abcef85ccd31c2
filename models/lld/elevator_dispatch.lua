-- Reference solution of the elevator_dispatch exercise: a dispatch strategy for dk.elevator.
-- dk.elevator is the context; this table is the strategy it is given. Each time a car may move
-- on, choose(car) names its next stop: LOOK (carry on in the direction of travel while there is
-- a call ahead, then turn) and, with nothing to do, go home to the lobby, where most trips
-- begin, so that an idle car is waiting where the next passenger appears.
local Strategy = {}

-- Where idle cars wait. The lobby: in an up-peak every call is there, and elsewhere a car that
-- waits at the lobby is at worst half a shaft from the next call.
Strategy.home = 0

-- Hall calls are given to cars by a built-in strategy; LOOK's counts a car's sweep.
Strategy.dispatch = "look"

-- The nearest call at or above `floor` and the nearest at or below, over both lists.
local function nearest_each_way(car)
  local above, below
  for _, list in ipairs { car.car_calls, car.hall_calls } do
    for _, f in ipairs(list) do
      if f >= car.floor and (above == nil or f < above) then above = f end
      if f <= car.floor and (below == nil or f > below) then below = f end
    end
  end
  return above, below
end

--- Strategy.choose(car): the next stop of a car, or nil to stay idle. car: { number, floor,
--- direction = "up" | "down", floors, tick, car_calls, hall_calls } (floors ascending).
--- The nearest call ahead is always safe: no car call lies between the car and it, so the car
--- never passes a floor a rider asked for (dk.elevator checks this before every move). A call
--- at the car's own floor counts as ahead either way: the car opens its doors here.
function Strategy.choose(car)
  local above, below = nearest_each_way(car)
  local stop
  if car.direction == "up" then stop = above or below else stop = below or above end
  if stop ~= nil then return stop end
  if car.floor ~= Strategy.home then return Strategy.home end
  return nil
end

return Strategy
