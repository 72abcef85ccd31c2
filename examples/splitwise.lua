-- Run with: designkit examples/splitwise.lua
-- A weekend trip in a Splitwise ledger: expenses split four ways (in cents), balances, the
-- fewest payments that settle everyone, and the history that replays the ledger.
local dk = require "designkit"

local function cents(n) return string.format("%s%d.%02d", n < 0 and "-" or " ", math.abs(n) // 100, math.abs(n) % 100) end

local trip = dk.splitwise.ledger()
for _, who in ipairs { "ann", "bob", "cy", "dee" } do trip:add_user(who) end
trip:add_group("cabin", { "ann", "bob", "cy", "dee" })

trip:expense { payer = "ann", amount = 48000, group = "cabin", description = "cabin, two nights" }
trip:expense { payer = "bob", amount = 10000, split = "percent", group = "cabin", description = "groceries",
               shares = { ann = 25, bob = 25, cy = 37.5, dee = 12.5 } }
trip:expense { payer = "cy", amount = 7001, split = "shares", description = "fuel",
               shares = { ann = 1, bob = 1, cy = 2 } }                  -- cy drove twice as far
trip:expense { payer = "dee", amount = 2500, split = "exact", description = "museum",
               shares = { dee = 1500, ann = 1000 } }
trip:settle("dee", "ann", 5000)

print("balances (> 0: is owed)")
local b = trip:balances()
for _, who in ipairs(trip:users()) do print(string.format("  %-4s %10s", who, cents(b[who]))) end

local greedy, fewest = trip:simplify(), trip:simplify { exact = true }
print(string.format("greedy plan: %d payments, fewest: %d", #greedy, #fewest))
for _, t in ipairs(trip:settle_up { exact = true }) do
  print(string.format("  %-4s pays %-4s %10s", t.from, t.to, cents(t.amount)))
end

-- The history is the ledger: replaying it (here through JSON) gives the same balances.
local history = dk.json.encode(trip:history())
local again = dk.splitwise.replay(dk.json.decode(history))
assert(dk.json.encode(again:balances()) == dk.json.encode(trip:balances()))
print(string.format("%d events replayed; everyone square: %s", #trip:history(),
                    tostring(next(trip:simplify()) == nil)))

-- Balances alone: +4 +3 -5 +3 -6 +1 settle in 4 payments at the minimum, where greedy needs 5.
local bal = { a = 4, b = 3, c = -5, d = 3, e = -6, f = 1 }
print(string.format("a..f: greedy %d, exact %d", #dk.splitwise.simplify(bal),
                    #dk.splitwise.simplify(bal, { exact = true })))
