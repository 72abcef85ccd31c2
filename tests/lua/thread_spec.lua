-- thread_spec: dk.thread - functions on OS threads of their own, each in a Lua state of its own:
-- what crosses (arguments, upvalues, results) and what cannot (with the place named), errors
-- with the thread's traceback, join twice, timeouts, the sandbox inside threads, the cap.
local dk = require "designkit"

-- Inside a spec, `dk` is the spec's own copy of the module, which no other state can require
-- by name: thread functions require "designkit" themselves.

describe("dk.thread copies", function()
  it("arguments and results each way, keeping integer and float apart", function()
    local t = dk.thread(function(...) return ... end, nil, true, false, 42, 2.5, "a\0b",
      { 1, 2, { x = "y" }, [10] = "ten", [2.5] = "key" })
    local a, b, c, d, e, f, g = t:join()
    expect(a):to_be(nil)
    expect(b):to_be(true)
    expect(c):to_be(false)
    expect(math.type(d)):to_be("integer")
    expect(d):to_be(42)
    expect(math.type(e)):to_be("float")
    expect(e):to_be(2.5)
    expect(f):to_be("a\0b")
    expect(g):to_equal({ 1, 2, { x = "y" }, [10] = "ten", [2.5] = "key" })
  end)

  it("computes what the caller computes (a sum checked against a formula)", function()
    local n = 100000
    local t = dk.thread(function(m)
      local s = 0
      for i = 1, m do s = s + i end
      return s
    end, n)
    expect(t:join()):to_be(n * (n + 1) // 2)
  end)

  it("upvalues by value: the thread's changes stay in the thread", function()
    local box = { count = 1 }
    local t = dk.thread(function()
      box.count = box.count + 1
      return box.count
    end)
    expect(t:join()):to_be(2)
    expect(box.count):to_be(1)
  end)

  it("gives the function the new state's own globals", function()
    spec_global_marker = "here" -- luacheck: ignore
    local t = dk.thread(function() return spec_global_marker, type(print), type(require) end)
    local marker, p, r = t:join()
    expect(marker):to_be(nil)
    expect(p):to_be("function")
    expect(r):to_be("function")
  end)

  it("lets the thread require designkit and start threads of its own", function()
    local t = dk.thread(function()
      local d = require "designkit"
      local inner = d.thread(function(x) return x * 3 end, 14)
      return inner:join(), d.version
    end)
    local v, version = t:join()
    expect(v):to_be(42)
    expect(version):to_be(dk.version)
  end)
end)

describe("dk.thread refuses what cannot cross", function()
  local function refused(fn, pattern)
    expect(fn):to_fail(pattern)
  end

  it("names the argument and the place inside it", function()
    refused(function() dk.thread(function() end, 1, print) end,
      "dk.thread: argument 3: a function cannot cross to another thread")
    refused(function() dk.thread(function() end, { items = { 1, coroutine.create(print) } }) end,
      "argument 2.items[2]: a coroutine cannot cross")
    refused(function() dk.thread(function() end, io.stdout) end,
      "argument 2: a userdata that is not a shared designkit object cannot cross")
    local cyclic = {}
    cyclic.self = cyclic
    refused(function() dk.thread(function() end, cyclic) end, "a table that contains itself")
  end)

  it("names an upvalue that cannot be copied", function()
    local function helper() end
    refused(function() dk.thread(function() return helper() end) end,
      "dk.thread: upvalue 'helper': a function cannot cross to another thread")
  end)

  it("names a result that cannot be copied, at the join", function()
    local t = dk.thread(function() return 1, function() end end)
    refused(function() t:join() end, "dk.thread: result 2: a function cannot cross")
  end)

  it("takes only Lua functions", function()
    refused(function() dk.thread(print) end, "a Lua function is needed")
    refused(function() dk.thread(42) end, "function expected")
  end)

  it("refuses a thread handle as an argument", function()
    local t = dk.thread(function() end)
    refused(function() dk.thread(function() end, t) end,
      "argument 2: a userdata that is not a shared designkit object cannot cross")
    t:join()
  end)
end)

describe("thread:join", function()
  it("re-raises the thread's error with the thread's traceback", function()
    local t = dk.thread(function()
      local function deep() error("boom in the thread") end
      deep()
    end)
    local ok, err = pcall(t.join, t)
    expect(ok):to_be(false)
    expect(err):to_match("thread_spec.lua:%d+: boom in the thread")
    expect(err):to_match("stack traceback:")
    expect(err):to_match("in local 'deep'")
  end)

  it("says what an error object was, even when its __tostring raises", function()
    local t1 = dk.thread(function() error({ code = 1 }) end)
    expect(function() t1:join() end):to_fail("(error object is a table value)")
    local t2 = dk.thread(function()
      error(setmetatable({}, { __tostring = function() return "told" end }))
    end)
    expect(function() t2:join() end):to_fail("told")
    local t3 = dk.thread(function()
      error(setmetatable({}, { __tostring = function() error("tostring broke") end }))
    end)
    expect(function() t3:join() end):to_fail("whose __tostring failed: ")
    expect(function() t3:join() end):to_fail("joined already")
  end)

  it("is an error the second time", function()
    local t = dk.thread(function() return 1 end)
    expect(t:join()):to_be(1)
    expect(function() t:join() end):to_fail("thread:join: this thread was joined already")
  end)

  it("gives up after a timeout, and the thread can be joined later", function()
    local gate = os.time() -- the thread spins until told to stop by its own clock
    local t = dk.thread(function(started)
      local x = 0
      while os.clock() < 0.3 do x = x + 1 end
      return started
    end, gate)
    local v, why = t:join(0.01)
    expect(v):to_be(nil)
    expect(why):to_be("timeout")
    expect(t:done()):to_be(false)
    v, why = t:join("20ms")
    expect(why == "timeout" or v == gate):to_be(true)
    expect(t:join()):to_be(gate)
    expect(t:done()):to_be(true)
  end)

  it("checks its timeout", function()
    local t = dk.thread(function() end)
    expect(function() t:join("soon") end):to_fail("bad argument #1 to 'join'")
    expect(function() t:join(-1) end):to_fail("invalid duration -1")
    t:join()
  end)

  it("waits for a thread never joined when its handle closes", function()
    do
      local t <close> = dk.thread(function() return 1 end)
    end
    local t = dk.thread(function() return 2 end)
    t = nil -- luacheck: ignore
    collectgarbage()
    expect(tostring(dk.thread(function() end))):to_match("dk.thread %(")
  end)
end)

describe("the sandbox inside threads", function()
  it("refuses os.execute and writes as the main state does", function()
    local t = dk.thread(function()
      local ok, err = pcall(os.execute, "true")
      local f, why = io.open("thread_spec_should_not_exist.txt", "w")
      return ok, err, f, why
    end)
    local ok, err, f, why = t:join()
    expect(ok):to_be(false)
    expect(err):to_match("os.execute is not allowed in the sandbox")
    expect(f):to_be(nil)
    expect(why):to_match("cannot write")
  end)

  it("keeps binary chunks and the debug library out", function()
    local t = dk.thread(function()
      local f, err = load(string.dump(function() return 1 end))
      return f, err, debug.getlocal
    end)
    local f, err, getlocal = t:join()
    expect(f):to_be(nil)
    expect(err):to_match("attempt to load a binary chunk")
    expect(getlocal):to_be(nil)
  end)
end)

describe("the cap on live threads", function()
  it("refuses the thread beyond the cap, and frees the places on join", function()
    local held, err = {}, nil
    for i = 1, 300 do
      local ok, t = pcall(dk.thread, function() return i end)
      if not ok then
        err = t
        break
      end
      held[#held + 1] = t
    end
    expect(err):to_match("threads are alive already, the most designkit runs at once")
    local sum = 0
    for _, t in ipairs(held) do sum = sum + t:join() end
    expect(sum):to_be(#held * (#held + 1) // 2)
    expect(dk.thread(function() return "again" end):join()):to_be("again")
  end)
end)
