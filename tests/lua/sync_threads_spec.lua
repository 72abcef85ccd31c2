-- sync_threads_spec: the locks, the latch, the barrier and the striped map shared with dk.thread:
-- one structure seen from several states, each on its own OS thread.
local dk = require "designkit"

describe("locks across threads", function()
  it("a mutex keeps a read-modify-write of a shared map entry whole", function()
    local m, map = dk.mutex { name = "counter" }, dk.map { stripes = 4 }
    map:put("n", 0)
    local workers = {}
    for w = 1, 3 do
      workers[w] = dk.thread(function(m, map, n)
        for _ = 1, n do
          m:lock("10s")
          map:put("n", map:get("n") + 1)
          m:unlock()
        end
        return true
      end, m, map, 2000)
    end
    for w = 1, 3 do expect(workers[w]:join("30s")):to_be(true) end
    expect(map:get("n")):to_be(6000)
  end)

  it("a latch releases the waiter once every thread has counted down, and the map holds each one's key", function()
    local latch, map = dk.latch(4), dk.map {}
    local ts = {}
    for w = 1, 4 do
      ts[w] = dk.thread(function(latch, map, w)
        map:put("w" .. w, { id = w })
        latch:count_down()
      end, latch, map, w)
    end
    expect(latch:wait("30s")):to_be(true)
    for w = 1, 4 do expect(map:get("w" .. w)):to_equal({ id = w }) end
    for w = 1, 4 do ts[w]:join("30s") end
  end)

  it("a barrier names exactly one serial thread per generation", function()
    local b, sem = dk.barrier(3), dk.semaphore(0)
    local ts = {}
    for w = 1, 3 do
      ts[w] = dk.thread(function(b, sem)
        local serial = 0
        for _ = 1, 5 do
          local ok, is_serial = b:wait("30s")
          assert(ok, "the barrier timed out")
          if is_serial then serial = serial + 1 end
        end
        sem:release()
        return serial
      end, b, sem)
    end
    local total = 0
    for w = 1, 3 do total = total + ts[w]:join("30s") end
    expect(total):to_be(5)
    for _ = 1, 3 do expect(sem:try_acquire()):to_be(true) end
  end)
end)
