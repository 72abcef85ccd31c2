return {
  title = "Parking lot",
  difficulty = "medium",
  track = "lld",
  summary = "A multi-level parking lot: a vehicle factory, fees by the hour, displays as observers, open-closed spot types",
  patterns = { "factory", "observer", "open-closed" },
  reference = "models/lld/parking_lot.lua",
  tasks = {
    { title = "Vehicles, spots and tickets", hints = {
      "The factory M.vehicle is the one place that knows the vehicle kinds.",
      "Describe each spot type by data: its name, its order of preference and a fits(vehicle) function.",
      "Allocate: for each level in order, for each type in order, the first free spot that fits.",
    } },
    { title = "Fees and displays", hints = {
      "Never read the time yourself: call the clock you were given, at park and at leave.",
      "Started hours: math.max(1, math.ceil(seconds / 3600)).",
      "Keep a list of displays; after every park and leave, call update(level, free) on each.",
    } },
    { title = "A new spot type without editing the allocator", hints = {
      "If your allocator lists \"motorcycle\", \"compact\", \"large\" anywhere, it is closed to extension.",
      "Register the three built-in types with the same register_spot_type a user calls, and keep the registry sorted by order.",
      "The fee hook belongs to the type: after the base fee, call type.fee(fee, hours, vehicle) when it has one.",
    } },
  },
}
