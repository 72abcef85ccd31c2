-- queue_spec: dk.queue (the bounded blocking queue) and dk.ring (the lock-free rings) from Lua:
-- items are copies, full and empty, timeouts, close, capacity rounding, shared handles inside
-- items, and bad options, items and timeouts refused at the caller's line.
local dk = require "designkit"

describe("dk.queue", function()
  it("gives items back in order, as copies", function()
    local q = dk.queue { capacity = 3 }
    expect(q:capacity()):to_be(3)
    local t = { n = 1, list = { "a", "b" }, [2.5] = true }
    expect(q:push(t)):to_be(true)
    expect(q:push("two")):to_be(true)
    expect(q:push(3)):to_be(true)
    t.n = 99 -- the queue holds a copy
    expect(q:len()):to_be(3)
    local first = q:pop()
    expect(first):to_equal({ n = 1, list = { "a", "b" }, [2.5] = true })
    expect(q:pop()):to_be("two")
    expect(q:pop()):to_be(3)
    expect(q:len()):to_be(0)
  end)

  it("says full and empty without waiting, and times out when asked to wait", function()
    local q = dk.queue { capacity = 1 }
    expect({ q:try_pop() }):to_equal({ nil, "empty" })
    expect(q:try_push(1)):to_be(true)
    expect({ q:try_push(2) }):to_equal({ false, "full" })
    expect({ q:push(2, 0) }):to_equal({ false, "timeout" })
    expect({ q:push(2, "10ms") }):to_equal({ false, "timeout" })
    expect(q:pop(0.01)):to_be(1)
    expect({ q:pop("10ms") }):to_equal({ nil, "timeout" })
    expect({ q:pop(0) }):to_equal({ nil, "timeout" })
  end)

  it("tells a nil item from an empty queue by the second result", function()
    local q = dk.queue { capacity = 2 }
    expect(q:push(nil)):to_be(true)
    expect(select("#", q:pop())):to_be(1)
    expect(select("#", q:try_pop())):to_be(2)
  end)

  it("after close refuses pushes and drains what it holds", function()
    local q = dk.queue { capacity = 4 }
    q:push("a")
    q:push("b")
    expect(q:is_closed()):to_be(false)
    q:close()
    q:close() -- idempotent
    expect(q:is_closed()):to_be(true)
    expect({ q:push("c") }):to_equal({ false, "closed" })
    expect({ q:try_push("c") }):to_equal({ false, "closed" })
    expect(q:pop()):to_be("a")
    expect(q:try_pop()):to_be("b")
    expect({ q:pop() }):to_equal({ nil, "closed" }) -- would wait forever if open
    expect(tostring(q)):to_be("queue (0/4, closed)")
  end)

  it("carries shared handles inside items: the same queue comes out", function()
    local inner = dk.queue { capacity = 2 }
    local outer = dk.queue { capacity = 2 }
    local ring = dk.ring { capacity = 2 }
    outer:push({ reply_to = inner, ring = ring })
    local msg = outer:pop()
    msg.reply_to:push("pong")
    expect(inner:pop()):to_be("pong")
    msg.ring:push(7)
    expect(ring:pop()):to_be(7)
  end)

  it("refuses items that cannot be copied, naming where in the item", function()
    local q = dk.queue { capacity = 2 }
    expect(function() q:push(print) end)
      :to_fail("queue_spec.lua:%d+: item: a function cannot cross to another thread")
    expect(function() q:push({ job = { run = function() end } }) end)
      :to_fail("queue_spec.lua:%d+: item.job.run: a function cannot cross to another thread")
    expect(function() q:push(coroutine.create(print)) end):to_fail("item: a coroutine")
    expect(function() q:push() end):to_fail("bad argument #1 to 'push'")
    expect(q:len()):to_be(0) -- nothing half-pushed
  end)

  it("refuses bad timeouts", function()
    local q = dk.queue { capacity = 1 }
    expect(function() q:pop("soon") end):to_fail("queue_spec.lua:%d+: bad argument #1 to 'pop' %(timeout:")
    expect(function() q:pop(-1) end):to_fail("timeout: invalid duration %-1")
    expect(function() q:push(1, {}) end):to_fail("timeout: a duration must be")
  end)

  it("refuses bad options at the caller's line", function()
    expect(function() dk.queue { capacity = 0 } end)
      :to_fail("queue_spec.lua:%d+: queue: capacity must be an integer between 1 and 16777216 %(got 0%)")
    expect(function() dk.queue { capacity = -5 } end):to_fail("queue: capacity .* %(got %-5%)")
    expect(function() dk.queue { capacity = 2.5 } end):to_fail("queue: capacity .* %(got 2.5%)")
    expect(function() dk.queue { capacity = "8" } end):to_fail("queue: capacity .* %(got 8%)")
    expect(function() dk.queue { capacity = 2 ^ 24 + 1 } end):to_fail("queue: capacity must be")
    expect(function() dk.queue {} end):to_fail("queue: capacity .* %(got nothing%)")
    expect(function() dk.queue { capacity = 4, size = 4 } end)
      :to_fail("queue_spec.lua:%d+: queue: unknown option \"size\"")
    expect(function() dk.queue(4) end):to_fail("an options table")
  end)
end)

describe("dk.ring", function()
  it("rounds its capacity up to a power of two, 2 at least", function()
    for ask, want in pairs { [1] = 2, [2] = 2, [3] = 4, [5] = 8, [8] = 8, [1000] = 1024 } do
      expect(dk.ring { capacity = ask }:capacity()):to_be(want)
      expect(dk.ring { capacity = ask, kind = "spsc" }:capacity()):to_be(want)
    end
  end)

  for _, kind in ipairs { "mpmc", "spsc" } do
    it(kind .. ": full, empty and order, across many laps", function()
      local r = dk.ring { capacity = 4, kind = kind }
      expect(r:kind()):to_be(kind)
      expect({ r:pop() }):to_equal({ nil, "empty" })
      local pushed, popped = 0, 0
      for _ = 1, 10 do
        while r:push({ seq = pushed + 1 }) do pushed = pushed + 1 end
        expect({ r:push(0) }):to_equal({ false, "full" })
        expect(r:len()):to_be(4)
        for _ = 1, 3 do
          popped = popped + 1
          expect(r:pop().seq):to_be(popped)
        end
      end
      expect(tostring(r)):to_be("ring " .. kind .. " (1/4)")
    end)
  end

  it("refuses bad options and items at the caller's line", function()
    expect(function() dk.ring { capacity = 0 } end)
      :to_fail("queue_spec.lua:%d+: ring: capacity must be an integer between 1 and 16777216 %(got 0%)")
    expect(function() dk.ring { capacity = 4, kind = "lifo" } end)
      :to_fail("queue_spec.lua:%d+: ring: kind must be \"mpmc\" or \"spsc\" %(got lifo%)")
    expect(function() dk.ring { capacity = 4, kind = 1 } end):to_fail("ring: kind must be")
    expect(function() dk.ring { capacity = 4, kinds = "spsc" } end)
      :to_fail("ring: unknown option \"kinds\"")
    local r = dk.ring { capacity = 2 }
    expect(function() r:push({ f = print }) end):to_fail("queue_spec.lua:%d+: item.f: a function")
    expect(r:len()):to_be(0)
  end)

  it("is not a queue: methods check their handle", function()
    local q = dk.queue { capacity = 1 }
    local r = dk.ring { capacity = 1 }
    expect(function() r.push(q, 1) end):to_fail("designkit.ring expected")
    expect(function() q.pop(r) end):to_fail("designkit.queue expected")
  end)
end)
