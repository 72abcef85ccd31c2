-- concurrency_sync.lua - the locks and the striped map: a mutex guarding a transfer, a
-- reader-writer lock, a semaphore as a bounded pool of permits, a latch and a barrier, dk.map,
-- and lock-order checking finding a potential deadlock in a run that did not deadlock.
local dk = require "designkit"

-- A mutex per account; :with unlocks even when the function raises.
local accounts = dk.map { stripes = 8 }
accounts:put("alice", 100)
accounts:put("bob", 20)
local lock = { alice = dk.mutex { name = "alice" }, bob = dk.mutex { name = "bob" } }

-- Deliberately careless: locks the payer first, whoever it is. Two transfers in opposite
-- directions take the two locks in opposite orders.
local function transfer(from, to, amount)
  lock[from]:with(function()
    lock[to]:with(function()
      accounts:put(from, accounts:get(from) - amount)
      accounts:put(to, accounts:get(to) + amount)
    end)
  end)
end

dk.lockorder.enable()
transfer("alice", "bob", 30) -- alice then bob
transfer("bob", "alice", 5)  -- bob then alice: could deadlock against the first, one day
dk.lockorder.enable(false)
print(string.format("alice %d, bob %d", accounts:get("alice"), accounts:get("bob")))
for _, finding in ipairs(dk.lockorder.findings()) do io.write(finding.text) end

-- A reader-writer lock that prefers writers: readers share, a writer is alone.
local config = dk.rwlock { name = "config", writer_preference = true }
config:read_lock()
print("a writer gets in while a reader holds it:", config:write_lock("10ms"))
config:read_unlock()
assert(config:write_lock())
config:write_unlock()

-- A semaphore bounding how many connections are out at once.
local connections = dk.semaphore(2, 2)
print("take three:", connections:try_acquire(), connections:try_acquire(),
  connections:try_acquire())
connections:release(2)

-- A latch that opens after three count-downs, a barrier that lets one party through at a time.
local ready = dk.latch(3)
for _ = 1, 3 do ready:count_down() end
print("latch open:", ready:wait(0))
local barrier = dk.barrier(1)
print("barrier passed, serial:", barrier:wait())
print("map keys:", table.concat(accounts:keys(), ", "))
