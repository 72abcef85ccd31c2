-- elevator.classes.lua - the class diagram of the elevator block (core/lld/elevator.c,
-- elevator_dispatch.c, elevator_doors.c, elevator_report.c, elevator_seek.c,
-- designkit/elevator.h), declared beside its code. docs/regenerate.sh draws it
-- into docs/lld/elevator_classes.svg: `designkit elevator.classes.lua [OUT.svg]`.
local dk = require "designkit"
local d = dk.classes "elevator (designkit/elevator.h)"

d:enum { name = "dk_elevator_strategy", values = { "DK_ELEVATOR_FCFS", "DK_ELEVATOR_NEAREST",
                                                  "DK_ELEVATOR_SCAN", "DK_ELEVATOR_LOOK",
                                                  "DK_ELEVATOR_DESTINATION" } }
d:enum { name = "dk_elevator_traffic", values = { "DK_ELEVATOR_UP_PEAK", "DK_ELEVATOR_DOWN_PEAK",
                                                 "DK_ELEVATOR_INTERFLOOR" } }
d:enum { name = "dk_elevator_mode", values = { "DK_ELEVATOR_MAINTENANCE", "DK_ELEVATOR_SERVICE",
                                              "DK_ELEVATOR_FIRE_RECALL" } }
d:class { name = "elevator",
          methods = { { "+seek(s, start, direction, lo, hi, requests, n, order*, travel*, err): dk_status",
                        static = true },
                      { "+traffic_make(t, floors, n, rate, seed, out*, err): dk_status",
                        static = true },
                      { "+run(cfg, passengers, n, max_ticks, out*, err): dk_status",
                        static = true },
                      { "+doors_def(cfg, err): dk_sm_def_t*", static = true } } }
d:class { name = "dk_elevator_mode_event",
          fields = { "+at: long", "+mode: dk_elevator_mode", "+car: int" } }
d:class { name = "dk_elevator_view",
          fields = { "+car: int", "+floor: int", "+direction: int", "+floors: int", "+tick: long",
                     "+car_calls: const int*", "+ncar_calls: size_t", "+hall_calls: const int*",
                     "+nhall_calls: size_t" } }
d:interface { name = "dk_elevator_choose_fn",
              methods = { "+choose(car: const dk_elevator_view*, ud, stop*: int, err): dk_status" } }
d:class { name = "dk_sm_def_t" } -- designkit/statemachine.h
d:class { name = "dk_elevator_passenger",
          fields = { "+arrival: long", "+from: int", "+to: int", "+patience: long" } }
d:class { name = "dk_elevator_config",
          fields = { "+floors: int", "+cars: int", "+capacity: int",
                     "+strategy: dk_elevator_strategy", "+dwell: int", "+door_open: int",
                     "+door_close: int", "+modes: const dk_elevator_mode_event*",
                     "+nmodes: size_t", "+choose: dk_elevator_choose_fn", "+choose_ud: void*" } }
d:class { name = "dk_elevator_report",
          fields = { "+served: size_t", "+abandoned: size_t", "+mean_wait: double",
                     "+p95_wait: double", "+mean_ride: double", "+p95_ride: double",
                     "+stops: size_t", "+highest: int", "+merged_calls: size_t",
                     "+cancelled_calls: size_t", "+ticks: long", "+checks: size_t",
                     "+reopenings: size_t", "+maintenance: size_t", "+recalls: size_t",
                     "+redispatched: size_t", "+evacuated: size_t", "+stranded: size_t" } }

d:associates("dk_elevator_config", "dk_elevator_strategy", { navigable = true, mult = "1" })
d:depends("elevator", "dk_elevator_config", { label = "runs" })
d:depends("elevator", "dk_elevator_passenger", { label = "serves" })
d:depends("elevator", "dk_elevator_report", { label = "measures" })
d:depends("elevator", "dk_elevator_traffic", { label = "makes" })
d:aggregates("dk_elevator_config", "dk_elevator_mode_event", { mult = "0..*", role = "modes" })
d:associates("dk_elevator_mode_event", "dk_elevator_mode", { navigable = true, mult = "1" })
d:associates("dk_elevator_config", "dk_elevator_choose_fn", { navigable = true, mult = "0..1" })
d:depends("dk_elevator_choose_fn", "dk_elevator_view", { label = "sees" })
d:depends("elevator", "dk_sm_def_t", { label = "doors of each car" })

local out = ...
if out then assert(d:draw(out)) end
return d
