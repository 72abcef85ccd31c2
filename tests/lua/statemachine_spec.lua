-- statemachine_spec: dk.statemachine from Lua: descriptions as nested tables, Lua guards and
-- actions called by the C engine, the order of entry and exit actions written out by hand,
-- delays on the virtual clock, errors at the script's line.
local dk = require "designkit"

-- A machine whose every state logs "+id" on entry and "-id" on exit into `log`.
local function logged(log, states)
  local function walk(list)
    for _, s in ipairs(list) do
      local id = s.id
      if not s.history then
        s.entry = function() log[#log + 1] = "+" .. id end
        s.exit = function() log[#log + 1] = "-" .. id end
      end
      if s.states then walk(s.states) end
    end
  end
  walk(states)
  return states
end

describe("dk.statemachine", function()
  it("enters down the hierarchy and exits up it, in document order", function()
    local log = {}
    local m = dk.statemachine {
      id = "door", initial = "closed",
      states = logged(log, {
        { id = "closed", initial = "locked", on = { open = "opened" },
          states = { { id = "locked", on = { unlock = "unlocked" } }, { id = "unlocked" } } },
        { id = "opened", on = { close = { target = "closed", action = function(ev) log[#log + 1] = "t:" .. ev end } } },
      }),
    }
    m:start()
    expect(log):to_equal({ "+closed", "+locked" })
    expect(m:configuration()):to_equal({ "locked" })
    m:send "unlock"
    m:send "open"
    expect(m:is_in "opened"):to_be(true)
    expect(m:is_in "closed"):to_be(false)
    log = {}
    m:send "close"
    expect(m:configuration()):to_equal({ "locked" })
    expect(m:trace()[#m:trace()]):to_be("close: -opened +closed +locked")
  end)

  it("runs parallel regions and guards, and takes the first enabled transition", function()
    local log = {}
    local allow = false
    local m = dk.statemachine {
      id = "p", initial = "both",
      states = logged(log, {
        { id = "both", parallel = true, states = {
          { id = "r1", initial = "a1", states = { { id = "a1", on = { x = "a2" } }, { id = "a2" } } },
          { id = "r2", initial = "b1", states = { { id = "b1", on = { x = {
            { target = "b2", guard = function() return allow end },
            { target = "b3" } } } }, { id = "b2" }, { id = "b3" } } },
        } },
      }),
    }
    m:start()
    expect(log):to_equal({ "+both", "+r1", "+a1", "+r2", "+b1" })
    for i = #log, 1, -1 do log[i] = nil end
    m:send "x"
    expect(log):to_equal({ "-b1", "-a1", "+a2", "+b3" })
    expect(m:configuration()):to_equal({ "a2", "b3" })
  end)

  it("restores deep history and tells shallow from deep", function()
    for _, kind in ipairs { "shallow", "deep" } do
      local m = dk.statemachine {
        id = "h", initial = "s",
        states = {
          { id = "s", initial = "s1", on = { out = "o" }, states = {
            { id = "hist", history = kind, target = "s1" },
            { id = "s1", initial = "s1a", states = { { id = "s1a", on = { n = "s1b" } }, { id = "s1b" } } },
          } },
          { id = "o", on = { back = "hist" } },
        },
      }
      m:start():send("n"):send("out"):send("back")
      expect(m:configuration()):to_equal({ kind == "deep" and "s1b" or "s1a" })
    end
  end)

  it("fires delays on the virtual clock and cancels them on exit", function()
    local m = dk.statemachine {
      id = "light", initial = "red",
      states = {
        red = { after = { ["30s"] = "green" }, on = { emergency = "red" } },
        green = { after = { ["25s"] = "yellow" } },
        yellow = { after = { [5] = "red" } },
      },
    }
    m:start()
    m:advance "20s"
    m:send "emergency" -- re-enters red at 20 s: green comes at 50 s, not 30 s
    m:advance "29s"
    expect(m:configuration()):to_equal({ "red" })
    m:advance "1s"
    expect(m:configuration()):to_equal({ "green" })
    m:advance "29s" -- green until 75 s, yellow until 80 s
    expect(m:configuration()):to_equal({ "yellow" })
    expect(m:now()):to_be(79)
    m:advance "1s"
    expect(m:configuration()):to_equal({ "red" })
  end)

  it("queues what a callback sends and runs what it raises first", function()
    local seen = {}
    local m
    m = dk.statemachine {
      id = "q", initial = "a",
      states = {
        { id = "a", on = { go = { target = "b", action = function(_, data, self)
          seen[#seen + 1] = data
          self:send("x")
          self:raise("i")
        end } } },
        { id = "b", on = { i = "c", x = "e" } },
        { id = "c", on = { x = "d" } },
        { id = "d", final = true },
        { id = "e" },
      },
    }
    m:start():send("go", { n = 7 })
    expect(seen[1].n):to_be(7)
    expect(m:configuration()):to_equal({ "d" })
    expect(m:finished()):to_be(true)
  end)

  it("raises a callback's error at its own line and stops the machine", function()
    local m = dk.statemachine {
      id = "bad", initial = "a",
      states = { { id = "a", on = { boom = { target = "a", action = function() error("kaboom") end } } } },
    }
    m:start()
    expect(function() m:send "boom" end):to_fail("statemachine_spec.lua:%d+: kaboom")
    expect(function() m:send "boom" end):to_fail("stopped after an error")
  end)

  it("survives callbacks that misuse the machine", function()
    local function machine(action)
      return dk.statemachine {
        id = "h", initial = "a",
        states = { { id = "a", on = { go = { target = "b", action = action } } }, { id = "b" } },
      }
    end
    local m = machine(function(_, _, self) self:close() end):start()
    expect(function() m:send "go" end):to_fail("close: the machine is running")
    m = machine(function(_, _, self) self:advance "1s" end):start()
    expect(function() m:send "go" end):to_fail("advance: the clock cannot move from inside a callback")
    m = machine(function() coroutine.yield() end):start()
    expect(function() m:send "go" end):to_fail("yield")
    m = machine(function() error({ code = 42 }) end):start()
    local ok, e = pcall(m.send, m, "go")
    expect(ok):to_be(false)
    expect(e.code):to_be(42) -- the error value itself, untouched
    m = machine(function(_, _, self) self:start() end):start()
    expect(function() m:send "go" end):to_fail("already running")
    expect(function() m:raise "x" end):to_fail("only a callback")
    m = machine(function(_, _, self) self:snapshot() end):start()
    expect(function() m:send "go" end):to_fail("snapshot: the machine is running")
  end)

  it("finds unreachable states, dead ends, shadowed transitions and unhandled events", function()
    local m = dk.statemachine {
      id = "f", initial = "a",
      states = {
        { id = "a", on = { e = { { target = "b" }, { target = "c" } } } },
        { id = "b" },
        { id = "c", on = { back = "a" } },
      },
    }
    expect(m:check { "e", "nope" }):to_equal({
      { kind = "shadowed", state = "a", event = "e" },
      { kind = "dead end", state = "b" },
      { kind = "unreachable", state = "c" },
      { kind = "unhandled", event = "nope" },
    })
  end)

  it("saves a running machine as JSON and restores it into a fresh one", function()
    local function light()
      return dk.statemachine {
        id = "light", initial = "on",
        states = {
          { id = "on", initial = "red", on = { off = "off" }, states = {
            { id = "mem", history = "deep", target = "red" },
            { id = "red", after = { ["30s"] = "green" } },
            { id = "green", after = { ["25s"] = "red" } },
          } },
          { id = "off", on = { on = "mem" }, after = { ["1m"] = "on" } },
        },
      }
    end
    local a = light():start():advance("40s"):send("off"):advance("10s")
    local text = dk.json.encode(a:snapshot())
    local snap = dk.json.decode(text)
    expect(snap):to_equal({ clock = 50e9, active = { "off" }, history = { mem = { "green" } },
                            pending = { { state = "off", nth = 1, due = 100e9 } } })
    local b = light():restore(snap)
    expect(b:now()):to_be(50)
    expect(b:configuration()):to_equal({ "off" })
    b:send "on"
    expect(b:configuration()):to_equal({ "green" }) -- the deep history came along
    b:send "off"
    b:advance "60s"
    expect(b:configuration()):to_equal({ "red" })
    expect(function() light():restore { clock = 0, active = { "red" } } end)
      :to_fail("statemachine_spec.lua:%d+: snapshot: state \"red\" is active but its parent \"on\" is not")
    expect(function() a:restore(snap) end):to_fail("only a machine never started")
    expect(function() light():restore { clock = 0, active = {}, colour = 1 } end):to_fail("colour")
  end)

  it("refuses bad descriptions naming the state", function()
    expect(function()
      dk.statemachine { id = "x", initial = "a", states = { { id = "a", on = { e = "nowhere" } } } }
    end):to_fail("statemachine_spec.lua:%d+: state \"a\": transition on e to unknown state \"nowhere\"")
    expect(function()
      dk.statemachine { id = "x", initial = "a", states = { { id = "a", states = { { id = "b" } } } } }
    end):to_fail("state \"a\" has children but no initial state")
    expect(function()
      dk.statemachine { id = "x", initial = "a", states = { { id = "a", colour = "red" } } }
    end):to_fail("colour")
    expect(function()
      dk.statemachine { id = "x", initial = "a", states = { { id = "a", history = "wide" } } }
    end):to_fail("history must be \"shallow\" or \"deep\"")
    expect(function()
      dk.statemachine { id = "x", initial = "a", states = { { id = "a", after = { ["soon"] = "a" } } } }
    end):to_fail("after%[soon%]")
    expect(function()
      dk.statemachine { id = "x", initial = "a", states = { { id = "a", on = { e = { target = "a", type = "sideways" } } } } }
    end):to_fail("type must be \"internal\" or \"external\"")
    local m = dk.statemachine { id = "x", initial = "a", states = { { id = "a" } } }
    expect(function() m:send "e" end):to_fail("is not started")
    m:close()
    expect(function() m:start() end):to_fail("closed")
  end)
end)
