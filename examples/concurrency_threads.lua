-- concurrency_threads.lua - Lua on threads: dk.thread and dk.pool counting primes in chunks, each
-- chunk in a Lua state of its own on an OS thread, against the same count in this state alone.
-- Nothing is shared but what crosses by copy (arguments and results), so no lock is needed.
local dk = require "designkit"

local N, CHUNKS = 200000, 4

-- The work: how many primes lie in [lo, hi]. A thread gets this function as bytecode; it uses
-- no upvalue, so nothing else has to cross.
local function count_primes(lo, hi)
  local n = 0
  for x = math.max(lo, 2), hi do
    local prime = true
    for d = 2, math.floor(math.sqrt(x)) do
      if x % d == 0 then prime = false; break end
    end
    if prime then n = n + 1 end
  end
  return n
end

local function chunks()
  local out, size = {}, N // CHUNKS
  for i = 1, CHUNKS do
    out[i] = { (i - 1) * size + 1, i == CHUNKS and N or i * size }
  end
  return out
end

local t0 = os.clock()
local alone = count_primes(1, N)
local cpu_alone = os.clock() - t0

-- One thread per chunk: start them all, then join each (join returns the function's results).
local threads = {}
for i, c in ipairs(chunks()) do threads[i] = dk.thread(count_primes, c[1], c[2]) end
local by_threads = 0
for _, t in ipairs(threads) do by_threads = by_threads + t:join() end

-- A pool of two workers: submit returns a future; get waits for its results.
local pool = dk.pool { threads = 2 }
local futures = {}
for i, c in ipairs(chunks()) do futures[i] = pool:submit(count_primes, c[1], c[2]) end
local by_pool = 0
for _, f in ipairs(futures) do by_pool = by_pool + f:get() end
pool:close()

-- A thread's error comes back from join with the thread's own traceback.
local failing = dk.thread(function() error("no such chunk") end)
local ok, err = pcall(failing.join, failing)

print(("primes up to %d: %d in this state, %d by %d threads, %d by a pool of 2"):format(
  N, alone, by_threads, CHUNKS, by_pool))
print(("this state alone took %.2fs of CPU"):format(cpu_alone))
print("a failing thread: " .. (ok and "no error?" or err:match("^[^\n]*")))
assert(alone == by_threads and alone == by_pool, "the threads disagree with the state alone")
assert(alone == 17984) -- pi(200000), from the published tables of the prime-counting function
