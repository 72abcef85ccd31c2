-- ATM: your solution. Replace every error("not implemented ...") with code.
local M = {}

local ATM = {}
ATM.__index = ATM

--- M.new { bank = { [card] = { pin =, balance = } }, cash = n }: an idle ATM.
function M.new(opts)
  return setmetatable({}, ATM)
end

--- atm:state(): the current state's name ("idle", "card_inserted", "authenticated",
--- "dispensing", "card_retained" or "maintenance").
function ATM:state() error("not implemented: ATM:state", 2) end

--- atm:cash_left(): the cash in the machine.
function ATM:cash_left() error("not implemented: ATM:cash_left", 2) end

-- The events: each returns true (balance: the balance) when accepted, or false and a message
-- when refused.
function ATM:insert_card(card) error("not implemented: ATM:insert_card", 2) end
function ATM:enter_pin(pin) error("not implemented: ATM:enter_pin", 2) end
function ATM:withdraw(amount) error("not implemented: ATM:withdraw", 2) end
function ATM:take_cash() error("not implemented: ATM:take_cash", 2) end
function ATM:balance() error("not implemented: ATM:balance", 2) end
function ATM:cancel() error("not implemented: ATM:cancel", 2) end
function ATM:dismiss() error("not implemented: ATM:dismiss", 2) end
function ATM:service() error("not implemented: ATM:service", 2) end
function ATM:restock(amount) error("not implemented: ATM:restock", 2) end
function ATM:resume() error("not implemented: ATM:resume", 2) end

return M
