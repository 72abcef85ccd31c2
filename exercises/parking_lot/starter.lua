-- Parking lot: your solution. Replace every error("not implemented ...") with code.
local M = {}

--- M.vehicle(kind, plate [, traits]): a vehicle { kind, plate, ... } ("motorcycle", "car" or
--- "truck"), with the traits (electric = true, permit = true, ...) copied in.
function M.vehicle(kind, plate, traits)
  error("not implemented: vehicle", 2)
end

--- M.register_spot_type { name =, order =, fits = function(vehicle) -> bool,
--- fee = function(fee, hours, vehicle) -> fee (optional) }.
function M.register_spot_type(t)
end

local Lot = {}
Lot.__index = Lot

--- M.new { levels = { { [type] = count, ... }, ... }, clock = function() -> seconds,
--- rates = { [kind] = per hour } }: an empty lot.
function M.new(opts)
  return setmetatable({}, Lot)
end

--- lot:park(vehicle): a ticket { id, plate, kind, level, spot_type, spot, entered }, or nil
--- and "full".
function Lot:park(vehicle) error("not implemented: Lot:park", 2) end

--- lot:leave(ticket): the fee; frees the spot.
function Lot:leave(ticket) error("not implemented: Lot:leave", 2) end

--- lot:free(level): { [type] = free spots } of the types on that level.
function Lot:free(level) error("not implemented: Lot:free", 2) end

--- lot:attach(display), lot:detach(display): display:update(level, free) observers.
function Lot:attach(display) error("not implemented: Lot:attach", 2) end
function Lot:detach(display) error("not implemented: Lot:detach", 2) end

return M
