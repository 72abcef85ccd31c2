-- queue_threads_spec: dk.queue and dk.ring shared with dk.thread: the same structure on both
-- sides, items copied across, a blocked pop woken by a close made on another thread.
local dk = require "designkit"

describe("queues across threads", function()
  it("a producer thread and the main state share one queue and one ring", function()
    local q = dk.queue { capacity = 4 }
    local r = dk.ring { capacity = 8, kind = "spsc" }
    local t = dk.thread(function(q, r, n)
      for i = 1, n do q:push({ i = i, s = "x" .. i }) end
      q:close()
      local c = 0
      while c < n do if r:push(c + 1) then c = c + 1 end end
      return "done"
    end, q, r, 1000)
    local seen = 0
    while true do
      local v, why = q:pop("10s")
      if v == nil then expect(why):to_be("closed") break end
      seen = seen + 1
      expect(v):to_equal({ i = seen, s = "x" .. seen }) -- FIFO, copied whole
    end
    expect(seen):to_be(1000)
    local sum, c = 0, 0
    while c < 1000 do
      local v = r:pop()
      if v then sum, c = sum + v, c + 1 end
    end
    expect(sum):to_be(500500)
    expect(t:join()):to_be("done")
  end)

  it("a pop blocked forever wakes when another thread closes the queue", function()
    local q = dk.queue { capacity = 1 }
    local waiter = dk.thread(function(q) return q:pop() end, q)
    local closer = dk.thread(function(q) q:close() return true end, q)
    expect({ waiter:join() }):to_equal({ nil, "closed" })
    expect(closer:join()):to_be(true)
  end)
end)
