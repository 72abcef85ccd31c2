-- atm.lua - an ATM session: PIN, a withdrawal in the fewest notes, a refusal, a cheque, the
-- audit log.
local dk = require "designkit"

local atm = dk.atm {
  cassettes = { [50] = 4, [20] = 10, [10] = 2 },
  accounts = {
    ["4000-0001"] = { pin = "2468", balance = 600 },
    ["4000-0002"] = { pin = "1357", balance = 50 },
  },
  daily_limit = 400,
}

assert(atm:insert "4000-0001")
print(atm:pin "0000")                      -- nil  atm: wrong PIN (2 attempts left)
assert(atm:pin "2468")

local notes = assert(atm:withdraw(130))    -- 50 + 50 + 20 + 10: four notes
for _, v in ipairs { 50, 20, 10 } do
  if notes[v] then print(("%d x %d"):format(notes[v], v)) end
end
print(atm:withdraw(300))                   -- nil: over what is left of today's limit
atm:deposit(200, "cheque")
print(atm:balance())                       -- 470  200: the cheque is pending
assert(atm:transfer("4000-0002", 70))
atm:cancel()
atm:take_card()

atm:clear_cheques()
print(atm:account "4000-0001")             -- 600  0
for _, line in ipairs(atm:audit()) do print(line) end
