-- Elevator dispatch: your strategy for dk.elevator. Replace the error with code.
local Strategy = {}

-- Optional: the built-in strategy that gives hall calls to cars ("fcfs", "nearest", "scan" or
-- "look"; "look" when left nil).
Strategy.dispatch = nil

--- Strategy.choose(car): the next stop of a car (a floor; its own floor opens the doors there),
--- or nil to stay idle. car: { number, floor, direction = "up" | "down", floors, tick,
--- car_calls, hall_calls } (floors ascending).
function Strategy.choose(car)
  error("not implemented: Strategy.choose", 2)
end

return Strategy
