-- parking.lua - a two-floor lot: cars overflow to large spots, a lost ticket, fees with a daily
-- cap, and availability by floor and type.
local dk = require "designkit"

local car = { tiers = { { up_to = 1, rate = 300 }, { up_to = 3, rate = 200 }, { rate = 100 } },
              daily_cap = 2000 }
local lot = dk.parking {
  strategy = "best_fit", overflow = true, lost_fee = 5000,
  fees = { car = car, ev = car, truck = { tiers = { { rate = 500 } }, daily_cap = 4000 } },
}

local ground, first = lot:add_floor(), lot:add_floor()
lot:add_spot(ground, "compact", 10)
lot:add_spot(ground, "ev", 5)
lot:add_spot(first, "large", 40)

local a = assert(lot:enter "car")          -- the compact spot
local b, spot = lot:enter "car"            -- no compact left: overflows to the large spot
print("second car on spot", spot)
print(lot:enter "truck")                   -- nil  parking: enter: no free spot fits a truck
print("free EV spots on the ground floor:", lot:available(ground, "ev"))

lot:advance "150m"
print("car a owes", lot:quote(a))          -- 300 + 200 + 200 = 700
print("change", lot:pay(a, 1000))          -- 300
lot:exit(a)

lot:lose(b)
lot:advance "24h"                          -- 26.5 h: a capped day, then 3 hours again
print("lost ticket b owes", lot:quote(b))  -- 2000 + 700 + 5000 = 7700
lot:pay(b, 7700)
lot:exit(b)
print("revenue", lot:revenue(), "taken", lot:occupied(), lot:check())
