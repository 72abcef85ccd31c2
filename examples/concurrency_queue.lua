-- concurrency_queue.lua: a bounded blocking queue and the lock-free rings.
-- Run with: designkit examples/concurrency_queue.lua
-- The queue and the rings are handles that Lua states on other threads (dk.thread) share: a
-- worker gets the same queue as an argument. Items are copied in and out (nil, booleans,
-- numbers, strings, shared handles and tables of them). Here one thread plays both sides.
local dk = require "designkit"

-- A bounded queue of jobs: a producer that outruns its consumer is told so (or waits).
local jobs = dk.queue { capacity = 3 }
local submitted = 0
for i = 1, 5 do
  local ok, why = jobs:push({ id = i, size = i * 10 }, "1ms") -- wait at most 1 ms for room
  if ok then submitted = submitted + 1 else print(("job %d refused: %s"):format(i, why)) end
end
print(("%d jobs queued in %s"):format(submitted, tostring(jobs)))

-- Closing says "no more": the consumer drains what is left and then learns the queue is done.
jobs:close()
local total = 0
while true do
  local job, why = jobs:pop() -- would wait forever on an open empty queue; this one is closed
  if job == nil then print("consumer stops: " .. why) break end
  total = total + job.size
end
print("work done: " .. total)

-- Rings never wait: push says false when full, pop says nil, "empty" when empty. The capacity
-- is rounded up to a power of two; "spsc" is for one producer and one consumer thread.
local ring = dk.ring { capacity = 5, kind = "spsc" }
local n = 0
while ring:push(n + 1) do n = n + 1 end
print(("%s took %d items before it was full"):format(tostring(ring), n))
local sum = 0
for v in function() return ring:pop() end do sum = sum + v end
print("ring drained, sum " .. sum)
