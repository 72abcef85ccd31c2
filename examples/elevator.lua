-- Run with: designkit examples/elevator.lua
-- An elevator group compared across dispatch strategies on one seeded workload per traffic
-- pattern, then the classic disk-arm schedule of the textbook queue.
local dk = require "designkit"

print("16 floors, 3 cars of 10, 3000 passengers at 0.2 a tick (seed 1); times in ticks")
print("pattern     strategy     mean wait  p95 wait  mean ride  p95 ride  stops")
for _, traffic in ipairs { "up-peak", "down-peak", "interfloor" } do
  for _, strategy in ipairs { "fcfs", "nearest", "scan", "look", "destination" } do
    local r = dk.elevator.simulate { floors = 16, cars = 3, capacity = 10, strategy = strategy,
                                     traffic = traffic, count = 3000, rate = 0.2, seed = 1 }
    print(string.format("%-11s %-11s %10.2f %9d %10.2f %9d %6d", traffic, strategy, r.mean_wait,
                        r.p95_wait, r.mean_ride, r.p95_ride, r.stops))
  end
end

print("\ndisk arm at 53 over 0..199, queue 98 183 37 122 14 124 65 67 (moving up)")
for _, strategy in ipairs { "fcfs", "nearest", "scan", "look" } do
  local s = dk.elevator.seek { requests = { 98, 183, 37, 122, 14, 124, 65, 67 }, start = 53,
                               strategy = strategy, hi = 199 }
  print(string.format("%-8s travel %3d  order %s", strategy, s.travel, table.concat(s.order, " ")))
end
