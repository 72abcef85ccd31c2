-- Tests of the parking_lot exercise. Allocations, fees and display updates are worked out by
-- hand from the statement's rules; the clock is the test's own (a variable it sets).

-- A clock the test moves by hand.
local function clock()
  local c = { now = 0 }
  c.fn = function() return c.now end
  return c
end

-- A display that records every update it receives, as "level: type=free ..." lines.
local function recorder()
  local d = { seen = {} }
  function d:update(level, free)
    local names = {}
    for name in pairs(free) do names[#names + 1] = name end
    table.sort(names)
    local parts = {}
    for _, n in ipairs(names) do parts[#parts + 1] = n .. "=" .. tostring(free[n]) end
    self.seen[#self.seen + 1] = level .. ": " .. table.concat(parts, " ")
  end
  return d
end

local function where(t)
  if type(t) ~= "table" then return t end
  return { level = t.level, spot_type = t.spot_type, spot = t.spot }
end

task("Vehicles, spots and tickets", function()
  it("the vehicle factory makes the three kinds and refuses others, naming the kind", function()
    local P = solution()
    for _, kind in ipairs { "motorcycle", "car", "truck" } do
      local v = P.vehicle(kind, "P-" .. kind)
      expect({ v.kind, v.plate }, "vehicle(" .. kind .. ", P-" .. kind .. ")"):to_equal({ kind, "P-" .. kind })
    end
    expect(P.vehicle("car", "EV-1", { electric = true }).electric, "vehicle(car, EV-1, { electric = true }).electric")
      :to_be(true)
    expect(function() P.vehicle("bus", "B-1") end, "vehicle(bus, B-1)"):to_fail("bus")
    expect(function() P.vehicle("car", "") end, "vehicle(car, \"\")"):to_fail("plate")
  end)

  it("each vehicle gets the smallest fitting spot on the lowest level with one", function()
    local P = solution()
    local lot = P.new { levels = { { motorcycle = 1, compact = 1, large = 1 }, { compact = 2, large = 1 } },
                        clock = clock().fn }
    local want = {
      { "motorcycle", "M1", { level = 1, spot_type = "motorcycle", spot = 1 } },
      { "motorcycle", "M2", { level = 1, spot_type = "compact", spot = 1 } },
      { "car", "C1", { level = 1, spot_type = "large", spot = 1 } },
      { "car", "C2", { level = 2, spot_type = "compact", spot = 1 } },
      { "truck", "T1", { level = 2, spot_type = "large", spot = 1 } },
      { "car", "C3", { level = 2, spot_type = "compact", spot = 2 } },
    }
    for i, w in ipairs(want) do
      local t = lot:park(P.vehicle(w[1], w[2]))
      expect(where(t), "park #" .. i .. " (" .. w[1] .. " " .. w[2] .. ")"):to_equal(w[3])
    end
    local t, why = lot:park(P.vehicle("motorcycle", "M3"))
    expect({ t, why }, "park in a full lot"):to_equal({ nil, "full" })
  end)

  it("leave frees the spot for the next vehicle; a used or unknown ticket is refused", function()
    local P = solution()
    local lot = P.new { levels = { { compact = 2 } }, clock = clock().fn }
    local a = lot:park(P.vehicle("car", "A"))
    local b = lot:park(P.vehicle("car", "B"))
    expect(a.id ~= b.id, "two tickets have different ids"):to_be(true)
    expect(lot:park(P.vehicle("truck", "T")), "a truck where only compact spots are"):to_be(nil)
    lot:leave(a)
    expect(where(lot:park(P.vehicle("car", "C"))), "park after spot 1 was freed")
      :to_equal({ level = 1, spot_type = "compact", spot = 1 })
    expect(function() lot:leave(a) end, "leave(a) twice"):to_fail("ticket")
    expect(function() lot:leave({ id = 999 }) end, "leave of an unknown ticket"):to_fail("ticket")
  end)

  it("free(level) counts the free spots of each type on the level", function()
    local P = solution()
    local lot = P.new { levels = { { motorcycle = 2, large = 1 }, { compact = 3 } }, clock = clock().fn }
    expect(lot:free(1), "free(1) of an empty lot"):to_equal({ motorcycle = 2, large = 1 })
    local t = lot:park(P.vehicle("car", "A"))
    lot:park(P.vehicle("car", "B"))
    expect(lot:free(1), "free(1) after two cars"):to_equal({ motorcycle = 2, large = 0 })
    expect(lot:free(2), "free(2) after two cars"):to_equal({ compact = 2 })
    lot:leave(t)
    expect(lot:free(1), "free(1) after the first car left"):to_equal({ motorcycle = 2, large = 1 })
  end)

  it("bad input is refused, naming what is wrong", function()
    local P = solution()
    local c = clock().fn
    expect(function() P.new { levels = { { compakt = 2 } }, clock = c } end, "an unknown spot type"):to_fail("compakt")
    expect(function() P.new { levels = { { compact = -1 } }, clock = c } end, "a negative count"):to_fail("compact")
    expect(function() P.new { levels = { { compact = 1 } } } end, "no clock"):to_fail("clock")
    expect(function() P.new { levels = {}, clock = c } end, "no levels"):to_fail("levels")
    local lot = P.new { levels = { { compact = 2 } }, clock = c }
    lot:park(P.vehicle("car", "A"))
    expect(function() lot:park(P.vehicle("car", "A")) end, "the same plate parked twice"):to_fail("A")
  end)
end)

task("Fees and displays", function()
  it("a fee is the kind's rate for every started hour, at least one", function()
    local P = solution()
    local c = clock()
    local lot = P.new { levels = { { large = 4 } }, clock = c.fn }
    local car1 = lot:park(P.vehicle("car", "C1"))
    local car2 = lot:park(P.vehicle("car", "C2"))
    local bike = lot:park(P.vehicle("motorcycle", "M1"))
    local truck = lot:park(P.vehicle("truck", "T1"))
    c.now = 10
    expect(lot:leave(bike), "motorcycle after 10 s"):to_be(1)
    c.now = 3600
    expect(lot:leave(car1), "car after exactly 1 h"):to_be(3)
    c.now = 3601
    expect(lot:leave(car2), "car after 1 h 1 s"):to_be(6)
    c.now = 5 * 3600
    expect(lot:leave(truck), "truck after exactly 5 h"):to_be(25)
  end)

  it("rates given to new replace the default of their kind", function()
    local P = solution()
    local c = clock()
    local lot = P.new { levels = { { large = 2 } }, clock = c.fn, rates = { car = 10 } }
    local car, truck = lot:park(P.vehicle("car", "C")), lot:park(P.vehicle("truck", "T"))
    c.now = 7200
    expect({ lot:leave(car), lot:leave(truck) }, "car and truck after 2 h with rates { car = 10 }"):to_equal({ 20, 10 })
  end)

  it("an attached display gets every level's counts, then each change to a level", function()
    local P = solution()
    local lot = P.new { levels = { { motorcycle = 1, compact = 1 }, { large = 1 } }, clock = clock().fn }
    local d = recorder()
    lot:attach(d)
    local t = lot:park(P.vehicle("car", "A"))
    lot:park(P.vehicle("truck", "T"))
    lot:leave(t)
    expect(d.seen, "updates to a display attached to an empty lot, then car in, truck in, car out"):to_equal({
      "1: compact=1 motorcycle=1", "2: large=1",
      "1: compact=0 motorcycle=1", "2: large=0", "1: compact=1 motorcycle=1" })
  end)

  it("every attached display hears every change; a detached one hears no more", function()
    local P = solution()
    local lot = P.new { levels = { { compact = 2 } }, clock = clock().fn }
    local d1, d2 = recorder(), recorder()
    lot:attach(d1); lot:attach(d2)
    lot:park(P.vehicle("car", "A"))
    lot:detach(d1)
    lot:park(P.vehicle("car", "B"))
    expect(d1.seen, "display 1, detached after the first car"):to_equal({ "1: compact=2", "1: compact=1" })
    expect(d2.seen, "display 2"):to_equal({ "1: compact=2", "1: compact=1", "1: compact=0" })
  end)
end)

task("A new spot type without editing the allocator", function()
  it("an electric spot type registered from outside is preferred by electric cars, never given to others", function()
    local P = solution()
    P.register_spot_type { name = "electric", order = 15,
                           fits = function(v) return v.kind == "car" and v.electric == true end }
    local lot = P.new { levels = { { compact = 1, electric = 1 }, { electric = 1, large = 1 } }, clock = clock().fn }
    expect(where(lot:park(P.vehicle("car", "PETROL"))), "a car without a battery")
      :to_equal({ level = 1, spot_type = "compact", spot = 1 })
    expect(where(lot:park(P.vehicle("car", "EV1", { electric = true }))), "the first electric car")
      :to_equal({ level = 1, spot_type = "electric", spot = 1 })
    expect(where(lot:park(P.vehicle("car", "EV2", { electric = true }))), "the second electric car")
      :to_equal({ level = 2, spot_type = "electric", spot = 1 })
    expect(where(lot:park(P.vehicle("truck", "T"))), "a truck: only a large spot fits it")
      :to_equal({ level = 2, spot_type = "large", spot = 1 })
    expect(lot:free(2), "free(2)"):to_equal({ electric = 0, large = 0 })
  end)

  it("charging: the electric type's fee hook adds to the base fee", function()
    local P = solution()
    P.register_spot_type { name = "electric", order = 15, fits = function(v) return v.electric == true end,
                           fee = function(fee, hours, vehicle) return fee + 2 * hours end }
    local c = clock()
    local lot = P.new { levels = { { electric = 1, compact = 1 } }, clock = c.fn }
    local ev = lot:park(P.vehicle("car", "EV", { electric = true }))
    local car = lot:park(P.vehicle("car", "C"))
    c.now = 3 * 3600 - 5
    expect(lot:leave(ev), "electric car on a charging spot for 3 started hours (3 x 3 + 3 x 2)"):to_be(15)
    expect(lot:leave(car), "a car on a compact spot for 3 started hours"):to_be(9)
  end)

  it("any registered type joins the allocator's order: an accessible spot before all others", function()
    local P = solution()
    P.register_spot_type { name = "accessible", order = 1, fits = function(v) return v.permit == true end }
    local lot = P.new { levels = { { motorcycle = 1, compact = 1, accessible = 1 } }, clock = clock().fn }
    local d = recorder()
    lot:attach(d)
    expect(where(lot:park(P.vehicle("motorcycle", "M", { permit = true }))), "a motorcycle with a permit")
      :to_equal({ level = 1, spot_type = "accessible", spot = 1 })
    expect(where(lot:park(P.vehicle("car", "C", { permit = true }))), "a car with a permit, the accessible spot taken")
      :to_equal({ level = 1, spot_type = "compact", spot = 1 })
    expect(d.seen[#d.seen], "the display's last update"):to_equal("1: accessible=0 compact=0 motorcycle=1")
  end)

  it("register_spot_type refuses a duplicate name, a missing fits or order, naming them", function()
    local P = solution()
    expect(function() P.register_spot_type { name = "compact", order = 5, fits = function() return true end } end,
      "registering compact again"):to_fail("compact")
    expect(function() P.register_spot_type { name = "valet", order = 5 } end, "a type without fits"):to_fail("fits")
    expect(function() P.register_spot_type { name = "valet", fits = function() return true end } end,
      "a type without order"):to_fail("order")
    expect(function() P.register_spot_type { name = "valet", order = 5, fits = function() return true end,
      fee = 3 } end, "a fee that is not a function"):to_fail("fee")
  end)
end)
