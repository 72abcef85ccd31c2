-- elevator.doors.lua - draws the doors of an elevator car, the state machine core/lld/
-- elevator_doors.c defines (dk_elevator_doors_def), with 1 tick to open, a dwell of 2 and 1 to
-- close (a tick is one second of engine time). docs/regenerate.sh draws it into
-- docs/lld/elevator_doors.svg: `designkit elevator.doors.lua OUT.svg`.
local dk = require "designkit"
local out = assert(..., "usage: designkit elevator.doors.lua OUT.svg")
assert(dk.elevator.draw_doors(out, { door_open = 1, dwell = 2, door_close = 1 }))
