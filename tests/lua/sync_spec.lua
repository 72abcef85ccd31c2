-- sync_spec: dk.mutex, dk.rwlock, dk.semaphore, dk.latch, dk.barrier, dk.map and dk.lockorder
-- from one state: results, timeouts, and every misuse a clear error naming the lock.
local dk = require "designkit"

describe("dk.mutex", function()
  it("locks, tries, times out and unlocks", function()
    local m = dk.mutex { name = "account" }
    expect(tostring(m)):to_be('mutex "account"')
    expect(m:name()):to_be("account")
    expect(m:lock()):to_be(true)
    m:unlock()
    expect(m:try_lock()):to_be(true)
    m:unlock()
    expect(m:lock("5ms")):to_be(true)
    m:unlock()
  end)

  it("reports misuse naming the mutex", function()
    local m = dk.mutex { name = "account" }
    expect(function() m:unlock() end):to_fail('mutex "account": unlock: not held by this thread')
    m:lock()
    expect(function() m:lock() end):to_fail("already held by this thread")
    expect(function() m:try_lock() end):to_fail("try_lock: already held by this thread")
    m:unlock()
    expect(function() m:lock(-1) end):to_fail("timeout: invalid duration")
    expect(function() m:lock("soon") end):to_fail("timeout")
    expect(function() dk.mutex { nam = "x" } end):to_fail('unknown option "nam"')
    expect(function() dk.mutex { name = 5 } end):to_fail("name must be a string")
  end)

  it(":with returns fn's results and unlocks on error", function()
    local m = dk.mutex()
    local a, b = m:with(function(x, y) return x + y, x * y end, 3, 4)
    expect(a):to_be(7)
    expect(b):to_be(12)
    local ok, err = pcall(m.with, m, function() error("boom") end)
    expect(ok):to_be(false)
    expect(err):to_match("boom")
    expect(m:try_lock()):to_be(true) -- unlocked after the error
    m:unlock()
    expect(function() m:with(42) end):to_fail("function expected")
  end)
end)

describe("dk.rwlock", function()
  it("shares reads, excludes writes, and refuses unbalanced unlocks", function()
    local l = dk.rwlock { name = "table", writer_preference = true }
    expect(tostring(l)):to_be('rwlock "table"')
    expect(l:read_lock()):to_be(true)
    expect(l:read_lock(0)):to_be(true) -- readers share
    expect(l:write_lock(0)):to_be(false)
    l:read_unlock()
    l:read_unlock()
    expect(function() l:read_unlock() end):to_fail('rwlock "table": read_unlock: this thread holds no read lock')
    expect(function() l:write_unlock() end):to_fail("does not hold the write lock")
    expect(l:write_lock("1ms")):to_be(true)
    expect(function() l:write_lock() end):to_fail("already holds the write lock")
    expect(function() l:read_lock() end):to_fail("holds the write lock")
    l:write_unlock()
    expect(function() dk.rwlock { writer_preference = "yes" } end):to_fail("must be true or false")
    expect(function() dk.rwlock { prefer = true } end):to_fail('unknown option "prefer"')
  end)
end)

describe("dk.semaphore, dk.latch, dk.barrier", function()
  it("a semaphore counts, times out and keeps its bound", function()
    local s = dk.semaphore(2, 3)
    expect(s:acquire()):to_be(true)
    expect(s:try_acquire()):to_be(true)
    expect(s:try_acquire()):to_be(false)
    expect(s:acquire("2ms")):to_be(false)
    s:release(3)
    expect(s:count()):to_be(3)
    expect(function() s:release() end):to_fail("would pass its bound")
    expect(function() s:release(0) end):to_fail("n must be a whole number")
    expect(function() dk.semaphore(-1) end):to_fail("permits must be a whole number")
    expect(function() dk.semaphore(4, 3) end):to_fail("more than max")
    local unbounded = dk.semaphore(0)
    unbounded:release(1000)
    expect(unbounded:count()):to_be(1000)
  end)

  it("a latch opens at zero and refuses to count past it", function()
    local l = dk.latch(2)
    expect(l:wait(0)):to_be(false)
    l:count_down()
    expect(l:wait("1ms")):to_be(false)
    l:count_down()
    expect(l:wait()):to_be(true)
    expect(l:count()):to_be(0)
    expect(function() l:count_down() end):to_fail("only 0 left")
    expect(function() dk.latch(-2) end):to_fail("count must be a whole number")
  end)

  it("a barrier of one passes at once as the serial thread; a lone wait times out", function()
    local b = dk.barrier(1)
    local passed, serial = b:wait()
    expect(passed):to_be(true)
    expect(serial):to_be(true)
    expect(b:generation()):to_be(1)
    expect(dk.barrier(2):wait("1ms")):to_be(false)
    expect(function() dk.barrier(0) end):to_fail("parties must be a whole number")
  end)
end)

describe("dk.map", function()
  it("stores copies and agrees with a plain table", function()
    local m, ref = dk.map { stripes = 4 }, {}
    for i = 1, 200 do
      local k = "k" .. (i * 7919 % 61)
      if i % 5 == 0 then
        m:delete(k); ref[k] = nil
      else
        m:put(k, { i = i, tag = "v" .. i }); ref[k] = { i = i, tag = "v" .. i }
      end
    end
    local keys = {}
    for k in pairs(ref) do keys[#keys + 1] = k end
    table.sort(keys)
    expect(m:keys()):to_equal(keys)
    expect(m:len()):to_be(#keys)
    for _, k in ipairs(keys) do expect(m:get(k)):to_equal(ref[k]) end
    local v = m:get(keys[1])
    v.i = -1 -- a copy: the map is unchanged
    expect(m:get(keys[1])):to_equal(ref[keys[1]])
    m:put(keys[1], nil)
    expect(m:get(keys[1])):to_be(nil)
    expect(m:delete("absent")):to_be(false)
  end)

  it("refuses what cannot be shared, naming it", function()
    local m = dk.map()
    expect(function() m:put("f", { ok = 1, bad = print }) end):to_fail("value.bad")
    expect(function() m:get(1) end):to_fail("a key must be a string")
    expect(function() m:put("a\0b", 1) end):to_fail("NUL")
    expect(function() dk.map { stripes = 0 } end):to_fail("stripes must be a whole number")
    expect(function() dk.map { stripe = 2 } end):to_fail('unknown option "stripe"')
    m:put("lock", dk.mutex { name = "inside" }) -- shared handles are values too
    expect(tostring(m:get("lock"))):to_be('mutex "inside"')
  end)
end)

describe("dk.lockorder", function()
  it("reports A then B against B then A, once, with the stacks", function()
    dk.lockorder.reset()
    dk.lockorder.enable()
    expect(dk.lockorder.enabled()):to_be(true)
    local a, b = dk.mutex { name = "A" }, dk.mutex { name = "B" }
    for _ = 1, 2 do
      a:with(function() b:with(function() end) end)
      b:with(function() a:with(function() end) end)
    end
    local f = dk.lockorder.findings()
    dk.lockorder.enable(false)
    expect(#f):to_be(1)
    expect(f[1].locks):to_equal({ "B", "A" })
    expect(f[1].text):to_match("potential deadlock: lock%-order cycle B %-> A %-> B")
    expect(f[1].text):to_match("took A while holding %[B%]")
    expect(f[1].text):to_match("took B while holding %[A%]")
    dk.lockorder.reset()
    expect(#dk.lockorder.findings()):to_be(0)
  end)
end)
