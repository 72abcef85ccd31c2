-- Run with: designkit [--allow-write .] examples/classes.lua [classes.svg]
-- A UML class diagram of a small parking lot: classes, an abstract class, an interface, an
-- enum, and every kind of relation; printed as Mermaid, drawn through Graphviz when given a path.
local dk = require "designkit"

local d = dk.classes "parking lot"
d:interface { name = "Payable", methods = { "+pay(amount: int): bool" } }
d:class { name = "ParkingLot",
          fields = { "-name: string", { "-instance: ParkingLot", static = true } },
          methods = { "+park(v: Vehicle): Ticket", "+leave(t: Ticket): int" } }
d:class { name = "Floor", fields = { "-level: int" }, methods = { "+free(kind: SpotKind): int" } }
d:class { name = "Spot", fields = { "-id: int", "-kind: SpotKind" } }
d:class { name = "Vehicle", abstract = true, fields = { "#plate: string" },
          methods = { { "+fits(kind: SpotKind): bool", abstract = true } } }
d:class { name = "Car", methods = { "+fits(kind: SpotKind): bool" } }
d:class { name = "Motorcycle", methods = { "+fits(kind: SpotKind): bool" } }
d:class { name = "Ticket", fields = { "-entered: time", "-paid: bool" } }
d:class { name = "FeeRule", methods = { "+fee(t: Ticket): int" } }
d:enum { name = "SpotKind", values = { "MOTORCYCLE", "COMPACT", "LARGE", "EV" } }

d:composes("ParkingLot", "Floor", { mult = "1..*", role = "floors", from_mult = "1" })
d:composes("Floor", "Spot", { mult = "*", role = "spots" })
d:inherits("Car", "Vehicle")
d:inherits("Motorcycle", "Vehicle")
d:realizes("Ticket", "Payable")
d:aggregates("ParkingLot", "Ticket", { mult = "*", role = "active" })
d:associates("Ticket", "Spot", { navigable = true, mult = "1" })
d:associates("Ticket", "Vehicle", { navigable = true, mult = "1" })
d:associates("Spot", "SpotKind", { navigable = true })
d:depends("ParkingLot", "FeeRule", { label = "prices with" })

assert(d:check())
print(d:mermaid())

local out = ...
if out then
  local ok, why = d:draw(out)
  print(ok and ("drew " .. out) or ("not drawn: " .. why))
end
