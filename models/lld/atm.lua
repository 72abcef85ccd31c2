-- Reference solution of the atm exercise: an ATM written with the state pattern. Each state is
-- an object holding the handlers of the events it accepts; the ATM forwards every event to its
-- current state, and an event the state does not handle is refused, naming the event and the
-- state. Adding a state or an event touches one state object, never a chain of ifs.
local M = {}

local ATM = {}
ATM.__index = ATM

local MAX_PIN_TRIES = 3

-- ---- the states: each maps an event to a handler(atm, ...) -> results ----
-- A handler moves the ATM with atm:go(name) and returns what the event returns to the caller:
-- true (or a value), or false and why it was refused.

local STATES = {}

STATES.idle = {
  insert_card = function(atm, card)
    if atm.bank[card] == nil then return false, "unknown card " .. tostring(card) .. ": returned" end
    atm.card, atm.tries = card, 0
    return atm:go("card_inserted")
  end,
  service = function(atm) return atm:go("maintenance") end,
}

STATES.card_inserted = {
  enter_pin = function(atm, pin)
    if atm.bank[atm.card].pin == pin then return atm:go("authenticated") end
    atm.tries = atm.tries + 1
    if atm.tries >= MAX_PIN_TRIES then
      atm.card = nil -- kept by the machine
      atm:go("card_retained")
      return false, "wrong PIN three times: the card is retained"
    end
    return false, string.format("wrong PIN (%d of %d tries left)", MAX_PIN_TRIES - atm.tries, MAX_PIN_TRIES)
  end,
  cancel = function(atm)
    atm.card = nil
    return atm:go("idle")
  end,
}

STATES.authenticated = {
  withdraw = function(atm, amount)
    local account = atm.bank[atm.card]
    if math.type(amount) ~= "integer" or amount <= 0 or amount % 10 ~= 0 then
      return false, "amount must be a positive multiple of 10 (got " .. tostring(amount) .. ")"
    end
    if amount > account.balance then return false, "insufficient funds" end
    if amount > atm.cash then return false, "not enough cash in the machine" end
    account.balance, atm.cash = account.balance - amount, atm.cash - amount
    return atm:go("dispensing")
  end,
  balance = function(atm) return atm.bank[atm.card].balance end,
  cancel = STATES.card_inserted.cancel,
}

STATES.dispensing = {
  take_cash = function(atm) return atm:go("authenticated") end,
}

STATES.card_retained = {
  dismiss = function(atm) return atm:go("idle") end,
}

STATES.maintenance = {
  restock = function(atm, amount)
    if math.type(amount) ~= "integer" or amount <= 0 then
      return false, "restock amount must be a positive whole number (got " .. tostring(amount) .. ")"
    end
    atm.cash = atm.cash + amount
    return true
  end,
  resume = function(atm) return atm:go("idle") end,
}

-- ---- the context ----

--- M.new { bank = { [card] = { pin =, balance = } }, cash = n }: an idle ATM.
function M.new(opts)
  if type(opts) ~= "table" then error("options must be a table", 2) end
  if type(opts.bank) ~= "table" then error("bank must be a table of accounts by card", 2) end
  for card, acct in pairs(opts.bank) do
    if type(acct) ~= "table" or acct.pin == nil or math.type(acct.balance) ~= "integer" or acct.balance < 0 then
      error("bank: account " .. tostring(card) .. " needs a pin and a whole balance >= 0", 2)
    end
  end
  if math.type(opts.cash) ~= "integer" or opts.cash < 0 then
    error("cash must be a whole number >= 0 (got " .. tostring(opts.cash) .. ")", 2)
  end
  return setmetatable({ bank = opts.bank, cash = opts.cash, current = "idle", tries = 0 }, ATM)
end

function ATM:go(name)
  self.current = name
  return true
end

--- atm:state(): the current state's name.
function ATM:state() return self.current end

--- atm:cash_left(): the cash in the machine.
function ATM:cash_left() return self.cash end

-- Forwards an event to the current state; one the state does not handle is refused.
local function forward(event)
  return function(self, ...)
    local handler = STATES[self.current][event]
    if handler == nil then
      return false, string.format("%s is not allowed in state %s", event, self.current)
    end
    return handler(self, ...)
  end
end

for _, event in ipairs { "insert_card", "enter_pin", "withdraw", "take_cash", "balance", "cancel",
                         "dismiss", "service", "restock", "resume" } do
  ATM[event] = forward(event)
end

return M
