-- pool_spec: dk.pool - Lua functions on a pool of worker threads, each worker in a Lua state of
-- its own: futures with results and errors, timeouts, the options, close.
local dk = require "designkit"

describe("dk.pool", function()
  it("runs every task once and gives each future its own results", function()
    local p = dk.pool { threads = 3 }
    local futures = {}
    for i = 1, 50 do
      futures[i] = p:submit(function(x) return x * x, "task " .. x end, i)
    end
    local sum = 0
    for i = 1, 50 do
      local sq, name = futures[i]:get()
      expect(name):to_be("task " .. i)
      sum = sum + sq
    end
    expect(sum):to_be(50 * 51 * 101 // 6) -- the sum of squares, by its formula
    expect(futures[1]:done()):to_be(true)
    expect(futures[1]:get()):to_be(1) -- again: a fresh copy
    p:close()
  end)

  it("re-raises a task's error with its traceback, and goes on with the next tasks", function()
    local p = dk.pool { threads = 2 }
    local bad = p:submit(function() error("task failed") end)
    local ok, err = pcall(bad.get, bad)
    expect(ok):to_be(false)
    expect(err):to_match("pool_spec.lua:%d+: task failed")
    expect(err):to_match("stack traceback:")
    expect(p:submit(function() return "fine" end):get()):to_be("fine")
    local odd = p:submit(function() return function() end end)
    expect(function() odd:get() end):to_fail("result 1: a function cannot cross")
    p:close()
  end)

  it("gives up a get after its timeout", function()
    local p = dk.pool { threads = 1 }
    local slow = p:submit(function()
      local t = os.clock()
      while os.clock() - t < 0.3 do end
      return "slow"
    end)
    local v, why = slow:get(0.01)
    expect(v):to_be(nil)
    expect(why):to_be("timeout")
    expect(slow:get()):to_be("slow")
    p:close()
  end)

  it("refuses what cannot cross, naming it", function()
    local p = dk.pool { threads = 1 }
    expect(function() p:submit(function() end, print) end)
      :to_fail("pool:submit: argument 2: a function cannot cross to another thread")
    local function helper() end
    expect(function() p:submit(function() return helper() end) end)
      :to_fail("pool:submit: upvalue 'helper': a function cannot cross")
    p:close()
  end)

  it("checks its options", function()
    expect(function() dk.pool {} end):to_fail("dk.pool: threads is required")
    expect(function() dk.pool { threads = 0 } end)
      :to_fail("dk.pool: threads must be a whole number from 1 to 256 (got 0)")
    expect(function() dk.pool { threads = 1, thread = 2 } end):to_fail("thread")
    expect(function() dk.pool { threads = 1, wait = "soon" } end):to_fail("dk.pool: wait: ")
  end)

  it("runs every queued task at close, and is closed afterwards", function()
    local p = dk.pool { threads = 2 }
    local futures = {}
    for i = 1, 10 do futures[i] = p:submit(function(x) return x end, i) end
    p:close()
    for i = 1, 10 do expect(futures[i]:get()):to_be(i) end
    expect(function() p:submit(function() end) end):to_fail("the pool is closed")
    expect(tostring(p)):to_be("dk.pool (closed)")
  end)

  it("keeps the sandbox in its workers", function()
    local p = dk.pool { threads = 1 }
    local ok, err = p:submit(function() return pcall(os.execute, "true") end):get()
    expect(ok):to_be(false)
    expect(err):to_match("os.execute is not allowed in the sandbox")
    p:close()
  end)

  it("counts its workers against the cap on live threads", function()
    local p = dk.pool { threads = 200 }
    expect(function() dk.pool { threads = 100 } end)
      :to_fail("dk.pool: 100 more threads would pass 256")
    p:close()
    local q = dk.pool { threads = 100 }
    q:close()
  end)
end)
