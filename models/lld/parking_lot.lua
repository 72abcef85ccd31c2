-- Reference solution of the parking_lot exercise: a multi-level parking lot. Vehicles come from
-- a factory; spot types are registered data (the built-in three through the same call a user
-- makes), so the allocator never names a type and a new one (electric, accessible) needs no
-- change to it; fees come from an injected clock; displays are observers of the lot.
local M = {}

-- ---- vehicles: a factory ----

local KINDS = { motorcycle = true, car = true, truck = true }

--- M.vehicle(kind, plate [, traits]): a vehicle { kind, plate, ... } with the traits copied in
--- (electric = true, permit = true, ...). The factory is the one place that knows the kinds.
function M.vehicle(kind, plate, traits)
  if not KINDS[kind] then
    error('unknown vehicle kind "' .. tostring(kind) .. '" (motorcycle, car or truck)', 2)
  end
  if type(plate) ~= "string" or plate == "" then error("plate must be a non-empty string", 2) end
  local v = {}
  for k, x in pairs(traits or {}) do v[k] = x end
  v.kind, v.plate = kind, plate
  return v
end

-- ---- spot types: a registry, open for extension ----

local types, by_name = {}, {} -- types sorted by order: the allocator's preference

--- M.register_spot_type { name =, order =, fits = function(vehicle) -> bool,
--- fee = function(fee, hours, vehicle) -> fee (optional) }.
function M.register_spot_type(t)
  if type(t) ~= "table" then error("register_spot_type takes a table", 2) end
  if type(t.name) ~= "string" or t.name == "" then error("spot type: name must be a non-empty string", 2) end
  if by_name[t.name] then error('spot type "' .. t.name .. '" is already registered', 2) end
  if type(t.order) ~= "number" then error('spot type "' .. t.name .. '": order must be a number', 2) end
  if type(t.fits) ~= "function" then error('spot type "' .. t.name .. '": fits must be a function', 2) end
  if t.fee ~= nil and type(t.fee) ~= "function" then error('spot type "' .. t.name .. '": fee must be a function', 2) end
  local entry = { name = t.name, order = t.order, fits = t.fits, fee = t.fee }
  by_name[t.name] = entry
  types[#types + 1] = entry
  table.sort(types, function(a, b) return a.order < b.order end)
end

M.register_spot_type { name = "motorcycle", order = 10, fits = function(v) return v.kind == "motorcycle" end }
M.register_spot_type { name = "compact", order = 20, fits = function(v) return v.kind ~= "truck" end }
M.register_spot_type { name = "large", order = 30, fits = function() return true end }

-- ---- the lot ----

local RATES = { motorcycle = 1, car = 3, truck = 5 } -- per started hour

local Lot = {}
Lot.__index = Lot

--- M.new { levels = { { [type] = count, ... }, ... }, clock = function() -> seconds,
--- rates = { [kind] = per hour } }: an empty lot.
function M.new(opts)
  if type(opts) ~= "table" then error("options must be a table", 2) end
  if type(opts.clock) ~= "function" then error("clock must be a function returning seconds", 2) end
  if type(opts.levels) ~= "table" or #opts.levels == 0 then error("levels must be a non-empty list", 2) end
  local lot = setmetatable({ clock = opts.clock, levels = {}, tickets = {}, parked = {},
                             observers = {}, next_ticket = 1, rates = {} }, Lot)
  for kind, r in pairs(RATES) do lot.rates[kind] = r end
  for kind, r in pairs(opts.rates or {}) do
    if not KINDS[kind] then error('rates: unknown vehicle kind "' .. tostring(kind) .. '"', 2) end
    if type(r) ~= "number" or r < 0 then error("rates: " .. kind .. " must be a number >= 0", 2) end
    lot.rates[kind] = r
  end
  for i, counts in ipairs(opts.levels) do
    local level = {} -- spot type name -> { taken = { [n] = ticket }, count = n }
    for name, n in pairs(counts) do
      if not by_name[name] then error("level " .. i .. ': unknown spot type "' .. tostring(name) .. '"', 2) end
      if math.type(n) ~= "integer" or n < 0 then
        error("level " .. i .. ": " .. name .. " must be a whole number >= 0 (got " .. tostring(n) .. ")", 2)
      end
      level[name] = { count = n, taken = {}, used = 0 }
    end
    lot.levels[i] = level
  end
  return lot
end

-- The allocator: the lowest level with a free spot that fits; on it, the fitting type of
-- lowest order; of that type, the lowest-numbered free spot. It asks each registered type
-- whether it fits and never names one.
local function allocate(lot, vehicle)
  for li, level in ipairs(lot.levels) do
    for _, t in ipairs(types) do
      local spots = level[t.name]
      if spots and spots.used < spots.count and t.fits(vehicle) then
        for n = 1, spots.count do
          if not spots.taken[n] then return li, t, n end
        end
      end
    end
  end
  return nil
end

--- lot:free(level): { [type] = free spots } of the types on that level.
function Lot:free(level)
  local l = self.levels[level]
  if not l then error("no level " .. tostring(level), 2) end
  local free = {}
  for name, spots in pairs(l) do free[name] = spots.count - spots.used end
  return free
end

-- Observers: every display attached hears of each change to a level's free spots.
local function notify(lot, level)
  for _, d in ipairs(lot.observers) do d:update(level, lot:free(level)) end
end

--- lot:attach(display): display:update(level, free) is called now for every level, and after
--- every park and leave for the level that changed.
function Lot:attach(display)
  if type(display) ~= "table" or type(display.update) ~= "function" then
    error("display must have an update method", 2)
  end
  self.observers[#self.observers + 1] = display
  for i = 1, #self.levels do display:update(i, self:free(i)) end
end

--- lot:detach(display): no more updates for it.
function Lot:detach(display)
  for i, d in ipairs(self.observers) do
    if d == display then table.remove(self.observers, i); return true end
  end
  return false
end

--- lot:park(vehicle): a ticket { id, plate, kind, level, spot_type, spot, entered }, or nil and
--- "full" when no free spot fits.
function Lot:park(vehicle)
  if type(vehicle) ~= "table" or not KINDS[vehicle.kind] then error("park takes a vehicle from M.vehicle", 2) end
  if self.parked[vehicle.plate] then error("vehicle " .. vehicle.plate .. " is already parked", 2) end
  local level, t, n = allocate(self, vehicle)
  if not level then return nil, "full" end
  local ticket = { id = self.next_ticket, plate = vehicle.plate, kind = vehicle.kind, level = level,
                   spot_type = t.name, spot = n, entered = self.clock() }
  self.next_ticket = self.next_ticket + 1
  local spots = self.levels[level][t.name]
  spots.taken[n], spots.used = ticket, spots.used + 1
  self.tickets[ticket.id] = { ticket = ticket, vehicle = vehicle, type = t }
  self.parked[vehicle.plate] = true
  notify(self, level)
  return ticket
end

--- lot:leave(ticket): the fee; frees the spot. An unknown or used ticket is an error.
function Lot:leave(ticket)
  local id = type(ticket) == "table" and ticket.id or ticket
  local entry = self.tickets[id]
  if not entry then error("ticket " .. tostring(id) .. " is unknown or already used", 2) end
  local t = entry.ticket
  local seconds = self.clock() - t.entered
  local hours = math.max(1, math.ceil(seconds / 3600)) -- every started hour, at least one
  local fee = self.rates[t.kind] * hours
  if entry.type.fee then fee = entry.type.fee(fee, hours, entry.vehicle) end
  local spots = self.levels[t.level][t.spot_type]
  spots.taken[t.spot], spots.used = nil, spots.used - 1
  self.tickets[id], self.parked[t.plate] = nil, nil
  notify(self, t.level)
  return fee
end

return M
