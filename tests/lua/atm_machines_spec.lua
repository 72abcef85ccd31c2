-- atm_machines_spec: the state machines the blocks run, as the docs draw them:
-- dk.atm_session_machine() is the machine an ATM's session moves through (checked in lockstep
-- with a real dk.atm), dk.parking_ticket_machine() the one every parking ticket runs.
local dk = require "designkit"

local function has(text, piece)
  if not text:find(piece, 1, true) then error(("%q not found in:\n%s"):format(piece, text), 2) end
end

describe("the ATM's session machine", function()
  it("has the seven states, every one reachable", function()
    local paths = dk.atm_session_machine():paths()
    local by = {}
    for _, p in ipairs(paths) do by[p.target] = p.steps end
    expect(#paths):to_be(7)
    expect(paths.missing):to_equal {}
    expect(by.idle):to_equal {}
    expect(by.menu):to_equal { "card", "accept", "accept" }
    expect(by.dispensing):to_equal { "card", "accept", "accept", "select", "dispense" }
    expect(dk.atm_session_machine():covering_paths().uncovered):to_equal {}
  end)

  it("is the machine a dk.atm moves through", function()
    local atm = dk.atm { cassettes = { [20] = 10 }, accounts = { ["4000"] = { pin = "1234", balance = 100 } } }
    local m = dk.atm_session_machine()
    m:start()
    -- Each session call and the events it sends (the transaction states are passed through).
    local steps = {
      { function() return atm:insert "4000" end, { "card", "accept" }, "pin" },
      { function() return atm:pin "1234" end, { "accept" }, "menu" },
      { function() return atm:withdraw(40) end, { "select", "dispense", "done" }, "menu" },
      { function() return atm:withdraw(500) end, { "select", "done" }, "menu" },
      { function() return atm:cancel() end, { "cancel" }, "ejecting" },
      { function() return atm:take_card() end, { "taken" }, "idle" },
    }
    for _, s in ipairs(steps) do
      s[1]()
      for _, e in ipairs(s[2]) do m:send(e) end
      expect(atm:state()):to_be(s[3])
      expect(m:configuration()[1]):to_be(atm:state())
    end
  end)

  it("writes itself as Mermaid and draws", function()
    local text = dk.atm_session_machine():mermaid()
    has(text, "idle --> card_inserted : card")
    has(text, "transaction --> dispensing : dispense")
    has(dk.atm_session_machine():dot(), "ejecting")
  end)
end)

describe("the parking ticket's machine", function()
  it("is active, paid, lost and closed, as a lot's tickets are", function()
    local m = dk.parking_ticket_machine()
    m:start()
    expect(m:configuration()[1]):to_be("active")
    m:send "lose"
    m:send "pay"
    expect(m:is_in "paid"):to_be(true)
    m:send "exit"
    expect(m:finished()):to_be(true)
    local text = dk.parking_ticket_machine():mermaid()
    has(text, "active --> lost : lose")
    has(text, "closed --> [*]")
  end)

  it("is a new machine on every call", function()
    local a, b = dk.parking_ticket_machine(), dk.parking_ticket_machine()
    expect(rawequal(a, b)):to_be(false)
    a:close()
    expect(b:mermaid()):to_be(dk.parking_ticket_machine():mermaid())
  end)
end)
