-- Run with: designkit examples/statemachine.lua
-- A traffic light as a statechart: timed phases on the virtual clock (`after`), a pedestrian
-- button that shortens green (a guard), and a maintenance mode that remembers the phase it
-- interrupted (history).
local dk = require "designkit"

local light = dk.statemachine {
  id = "light", initial = "running",
  states = {
    { id = "running", initial = "red", on = { maintenance = "flashing" }, states = {
      { id = "resume", history = "shallow", target = "red" },
      { id = "red", after = { ["30s"] = "green" } },
      { id = "green", after = { ["25s"] = "yellow" },
        on = { button = { target = "yellow", guard = function(_, data) return data.waited >= 5 end } } },
      { id = "yellow", after = { ["5s"] = "red" } },
    } },
    { id = "flashing", on = { repaired = "resume" },
      entry = function() print("  (maintenance: flashing amber)") end },
  },
}

local function show(what)
  print(string.format("%6.1f s  %-22s %s", light:now(), what, table.concat(light:configuration(), ", ")))
end

light:start();                                  show("start")
light:advance "30s";                            show("after 30 s")
light:send("button", { waited = 2 });           show("button, waited 2 s")
light:send("button", { waited = 8 });           show("button, waited 8 s")
light:advance "5s";                             show("after 5 s")
light:advance "10s";                            show("after 10 s")
light:send "maintenance";                       show("maintenance")
light:send "repaired";                          show("repaired (history)")
print("\nmicrosteps:")
for _, line in ipairs(light:trace()) do print("  " .. line) end

-- What to test: the shortest event path to every state (guards taken as true), each replayed on
-- a fresh light, and how the statechart looks in Mermaid (paste it into any Mermaid viewer).
print("\nshortest paths:")
for _, p in ipairs(light:paths()) do
  local steps = {}
  for i, s in ipairs(p.steps) do steps[i] = type(s) == "number" and ("+" .. s .. "s") or s end
  print(string.format("  %-10s %s", p.target, #steps > 0 and table.concat(steps, ", ") or "(start)"))
end
print(string.format("%d paths cover every transition", #light:covering_paths()))
print("\n" .. light:mermaid())
