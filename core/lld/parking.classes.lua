-- parking.classes.lua - the class diagram of the parking-lot block (core/lld/parking.c,
-- designkit/parking.h), declared beside its code. docs/regenerate.sh draws it into
-- docs/lld/parking_classes.svg: `designkit parking.classes.lua [OUT.svg]`.
local dk = require "designkit"
local d = dk.classes "parking lot (designkit/parking.h)"

d:enum { name = "dk_park_spot_type", values = { "DK_PARK_SPOT_MOTORCYCLE", "DK_PARK_SPOT_COMPACT",
                                               "DK_PARK_SPOT_LARGE", "DK_PARK_SPOT_EV",
                                               "DK_PARK_SPOT_ACCESSIBLE" } }
d:enum { name = "dk_park_vehicle", values = { "DK_PARK_MOTORCYCLE", "DK_PARK_CAR", "DK_PARK_TRUCK",
                                             "DK_PARK_EV", "DK_PARK_ACCESSIBLE" } }
d:enum { name = "dk_park_strategy", values = { "DK_PARK_NEAREST", "DK_PARK_LOWEST_FLOOR",
                                              "DK_PARK_BEST_FIT", "DK_PARK_CALLBACK" } }
d:class { name = "dk_park_candidate",
          fields = { "+spot: int", "+floor: int", "+type: dk_park_spot_type", "+distance: int",
                     "+overflow: int" } }
d:class { name = "dk_park_tier", fields = { "+up_to: int", "+rate: int64" } }
d:class { name = "dk_park_fee",
          fields = { "+tiers: dk_park_tier[8]", "+ntiers: size_t", "+daily_cap: int64" },
          methods = { "+fee_of(ns): int64" } }
d:class { name = "dk_park_config",
          fields = { "+strategy: dk_park_strategy", "+choose: dk_park_choose_fn",
                     "+overflow: int", "+fees: dk_park_fee[VEHICLES]", "+lost_fee: int64",
                     "+clock: dk_park_clock_fn" } }
d:class { name = "dk_park",
          methods = { { "+new(cfg, err): dk_park_t*", static = true }, "+free()",
                      "+advance(ns, err): dk_status", "+now(): int64",
                      "+add_floor(floor*, err): dk_status",
                      "+add_spot(floor, type, distance, spot*, err): dk_status",
                      "+remove_spot(spot, err): dk_status",
                      "+remove_floor(floor, err): dk_status",
                      "+available(floor, type): int", "+occupied(): int",
                      "+enter(v, ticket*, spot*, err): dk_status",
                      "+quote(ticket, fee*, err): dk_status", "+lose(ticket, err): dk_status",
                      "+pay(ticket, tendered, change*, err): dk_status",
                      "+exit(ticket, err): dk_status", "+ticket_state(ticket): char*",
                      "+revenue(): int64", "+check(err): dk_status" } }

d:associates("dk_park_config", "dk_park_strategy", { navigable = true, mult = "1" })
d:composes("dk_park_config", "dk_park_fee", { mult = "5", role = "fees", from_mult = "1" })
d:composes("dk_park_fee", "dk_park_tier", { mult = "0..8", role = "tiers", from_mult = "1" })
d:associates("dk_park_candidate", "dk_park_spot_type", { navigable = true, mult = "1" })
d:depends("dk_park", "dk_park_config", { label = "copies" })
d:depends("dk_park", "dk_park_candidate", { label = "offers to choose" })
d:depends("dk_park", "dk_park_vehicle", { label = "parks" })

local out = ...
if out then assert(d:draw(out)) end
return d
