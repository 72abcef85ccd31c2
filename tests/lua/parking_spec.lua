-- parking_spec: dk.parking from Lua: a whole stay, fees against an hour-by-hour reference written
-- here, the strategies (a Lua function among them), removal, and bad input at the caller's line.
local dk = require "designkit"

local CAR = { tiers = { { up_to = 1, rate = 300 }, { up_to = 3, rate = 200 }, { rate = 100 } },
              daily_cap = 2000 }

-- Hour by hour: each hour at the tier it falls in within its 24-hour day, each day capped.
local function reference(fee, hours)
  local total, day = 0, 0
  for h = 0, hours - 1 do
    if h % 24 == 0 and h > 0 then total, day = total + math.min(day, fee.daily_cap), 0 end
    for _, t in ipairs(fee.tiers) do
      if not t.up_to or h % 24 < t.up_to then day = day + t.rate; break end
    end
  end
  return total + math.min(day, fee.daily_cap)
end

local function lot(opts)
  local p = dk.parking(opts or { fees = { car = CAR }, lost_fee = 5000 })
  local f = p:add_floor()
  p:add_spot(f, "compact", 10)
  p:add_spot(f, "compact", 20)
  return p, f
end

describe("dk.parking", function()
  it("parks, quotes, takes payment once and lets the car out", function()
    local p = lot()
    local t, spot = p:enter "car"
    expect(spot):to_be(0)
    expect(p:state(t)):to_be("active")
    p:advance "150m"
    expect(p:quote(t)):to_be(700)
    expect(function() p:exit(t) end):to_fail("ticket 0 is active, not paid")
    expect(function() p:pay(t, 500) end):to_fail("owes 700")
    expect(p:pay(t, 1000)):to_be(300)
    expect(function() p:pay(t, 1000) end):to_fail("ticket 0 is paid")
    p:exit(t)
    expect(p:state(t)):to_be("closed")
    expect(p:revenue()):to_be(700)
    expect(p:check()):to_be(true)
  end)

  it("charges a lost ticket its fee plus the lost fee", function()
    local p = lot()
    local t = p:enter "car"
    p:advance "1h"
    p:lose(t)
    expect(p:state(t)):to_be("lost")
    expect(p:quote(t)):to_be(300 + 5000)
  end)

  it("agrees with an hour-by-hour reference over several days", function()
    for _, hours in ipairs { 1, 2, 3, 4, 23, 24, 25, 27, 49, 71 } do
      local p = lot()
      local t = p:enter "car"
      p:advance(hours * 3600)
      expect(p:quote(t)):to_be(reference(CAR, hours))
    end
  end)

  it("answers nil and a message when nothing fits", function()
    local p = lot()
    expect(p:enter "truck"):to_be(nil)
    local _, msg = p:enter "truck"
    expect(msg):to_match("no free spot fits a truck")
    p:enter "car"; p:enter "car"
    expect(p:available()):to_be(0)
    expect(p:occupied()):to_be(2)
  end)

  it("lets a Lua function choose among the candidates", function()
    local seen
    local p = dk.parking { overflow = true, strategy = function(vehicle, cands)
      seen = vehicle
      local best = 1
      for i, c in ipairs(cands) do if c.distance > cands[best].distance then best = i end end
      return best
    end }
    local f = p:add_floor()
    p:add_spot(f, "motorcycle", 5)
    local far = p:add_spot(f, "large", 50)
    local _, spot = p:enter "motorcycle"
    expect(spot):to_be(far)
    expect(seen):to_be("motorcycle")
    local q = dk.parking { strategy = function() error("no luck") end }
    q:add_spot(q:add_floor(), "compact", 1)
    expect(function() q:enter "car" end):to_fail("no luck")
    expect(q:check()):to_be(true)
  end)

  it("picks by floor, by distance and by fit", function()
    local function pick(strategy)
      local p = dk.parking { strategy = strategy, overflow = true }
      local f0, f1 = p:add_floor(), p:add_floor()
      p:add_spot(f0, "large", 1)
      p:add_spot(f1, "motorcycle", 20)
      p:add_spot(f1, "compact", 0)
      local _, spot = p:enter "motorcycle"
      return spot
    end
    expect(pick "nearest"):to_be(2)
    expect(pick "lowest_floor"):to_be(0)
    expect(pick "best_fit"):to_be(1)
  end)

  it("refuses to remove a taken spot and counts by floor and type", function()
    local p, f = lot()
    local t, spot = p:enter "car"
    expect(function() p:remove_spot(spot) end):to_fail("spot 0 is taken")
    expect(function() p:remove_floor(f) end):to_fail("spot 0 is taken")
    expect(p:available(f, "compact")):to_be(1)
    p:remove_spot(1)
    expect(p:available(f)):to_be(0)
    p:pay(t, 10000); p:exit(t)
    p:remove_floor(f)
    expect(p:available()):to_be(0)
    expect(p:check()):to_be(true)
  end)

  it("names bad input at the caller's line", function()
    expect(function() dk.parking { colour = "red" } end):to_fail("colour")
    expect(function() dk.parking { strategy = "random" } end):to_fail("strategy must be")
    expect(function() dk.parking { fees = { bus = CAR } } end):to_fail("unknown vehicle bus")
    expect(function()
      dk.parking { fees = { car = { tiers = { { up_to = 2, rate = 1 }, { up_to = 1, rate = 1 } } } } }
    end):to_fail("fees.car: tier 2")
    local ok, err = pcall(function() dk.parking { lost_fee = -1 } end); local at = here()
    expect(ok):to_be(false)
    expect(err):to_match(at)
    expect(err):to_match("lost_fee must be a whole number >= 0")
    local p = lot()
    expect(function() p:enter "bus" end):to_fail("unknown vehicle")
    expect(function() p:add_spot(0, "helipad") end):to_fail("unknown spot type")
    expect(function() p:add_spot(9, "compact") end):to_fail("no floor 9")
    expect(function() p:quote(42) end):to_fail("no ticket 42")
  end)
end)
