-- statemachine_export_spec: a dk.statemachine drawn (DOT, under the sandbox's write guard),
-- written as Mermaid and SCXML (read back with dk.from_scxml and run side by side), and its test
-- paths as data and as specs: each shortest path replayed reaches its state.
local dk = require "designkit"

local function has(text, piece)
  if not text:find(piece, 1, true) then error(("%q not found in:\n%s"):format(piece, text), 2) end
end

-- A door with a keypad: a compound state with history, a guard, a delay and a final state.
local function door()
  return dk.statemachine {
    id = "door", initial = "closed",
    states = {
      { id = "closed", initial = "locked", on = { open = "opened", scrap = "gone" }, states = {
        { id = "locked", on = { unlock = { target = "unlocked", guard = function(_, d) return d == nil or d.pin == 1234 end } } },
        { id = "unlocked", on = { lock = "locked" } },
        { id = "h", history = "deep", target = "locked" },
      } },
      { id = "opened", after = { ["30s"] = "h" }, entry = function() end },
      { id = "gone", final = true },
    },
  }
end

describe("statemachine export", function()
  it("draws composite states as clusters and labels transitions", function()
    local dot = door():dot()
    has(dot, "subgraph cluster_closed")
    has(dot, 'label="unlock [guard]"')
    has(dot, 'label="after 30s"')
    has(dot, "shape=doublecircle")
    has(dot, 'label="H*"')
    has(dot, "lhead=cluster_closed")
  end)

  it("draws inside the allowed folder and not elsewhere", function()
    local out = assert(os.getenv("DK_SPEC_OUT"), "run by ctest, which sets DK_SPEC_OUT")
    expect(door():draw(out .. "/statemachine_spec.svg")):to_be(true)
    local f = assert(io.open(out .. "/statemachine_spec.svg", "r"))
    has(f:read("a"), "<svg")
    f:close()
    local ok, why = door():draw("/tmp/designkit-not-allowed.svg")
    expect(ok):to_be(nil)
    expect(type(why)):to_be("string")
    expect(function() door():draw(out .. "/x.bmp") end):to_fail("unknown format")
  end)

  it("writes Mermaid stateDiagram-v2", function()
    local text = door():mermaid()
    has(text, "stateDiagram-v2\n    [*] --> closed\n    state closed {\n        [*] --> locked\n")
    has(text, '        state "H*" as h\n')
    has(text, "    opened --> h : after 30s\n")
    has(text, "    gone --> [*]\n")
  end)

  it("writes SCXML, lists what it leaves out, and reads it back", function()
    local text, left = door():scxml()
    has(text, '<history id="h" type="deep">')
    has(text, 'dk:after="30s"')
    expect(left):to_equal { 'state "locked": transition on unlock: guard', 'state "opened": entry action' }
    local back = assert(dk.from_scxml(text))
    local a, b = door():start(), back:start()
    for _, step in ipairs { "unlock", "open", 30, "lock", "scrap" } do
      if type(step) == "number" then a:advance(step); b:advance(step) else a:send(step); b:send(step) end
      expect(b:configuration()):to_equal(a:configuration())
    end
    expect(b:finished()):to_be(true)
  end)

  it("refuses bad SCXML naming the line", function()
    local m, why = dk.from_scxml "<scxml>\n<state id='a'>\n</stat></scxml>"
    expect(m):to_be(nil)
    has(why, "scxml:3: closing tag does not match")
    expect(function() dk.from_scxml() end):to_fail("string expected")
  end)

  it("gives the shortest path to every state", function()
    local paths = door():paths()
    local by = {}
    for _, p in ipairs(paths) do by[p.target] = p.steps end
    expect(by.locked):to_equal {}
    expect(by.unlocked):to_equal { "unlock" }
    expect(by.opened):to_equal { "open" }
    expect(by.gone):to_equal { "scrap" }
    expect(#paths):to_be(5)
    expect(paths.missing):to_equal {}
  end)

  it("gives paths covering every transition", function()
    local paths = door():covering_paths()
    local covered = 0
    for _, p in ipairs(paths) do covered = covered + #p.covers end
    expect(covered):to_be(5)
    expect(paths.uncovered):to_equal {}
    local delayed = false
    for _, p in ipairs(paths) do
      for _, t in ipairs(p.covers) do
        if t.after then delayed = true; expect(t):to_equal { source = "opened", after = 30, targets = { "h" } } end
      end
    end
    expect(delayed):to_be(true)
  end)

  -- The paths as specs: one `it` per state, each replayed on a fresh machine.
  for _, p in ipairs(door():paths()) do
    it("reaches " .. p.target .. " by " .. (#p.steps > 0 and table.concat(p.steps, ", ") or "starting"), function()
      expect(door():replay(p)):to_be(true)
    end)
  end

  it("replay says where the machine is when a guard blocks the path", function()
    local blocked = dk.statemachine {
      id = "m", initial = "a",
      states = { { id = "a", on = { go = { target = "b", guard = function() return false end } } }, { id = "b" } },
    }
    local p = blocked:paths()[2]
    expect(p.target):to_be("b")
    local ok, why = blocked:replay(p)
    expect(ok):to_be(false)
    has(why, "b is not active after the path; active: a")
  end)
end)
