-- Tests of the atm exercise. Tasks 1 and 2 are worked by hand. Task 3 builds the statement's
-- machine with dk.statemachine (from the transition table below, which is the statement's),
-- asks designkit for transition-covering paths and shortest paths to every state, and replays
-- them against the solution's ATM, comparing states after every event.
local dk = require "designkit"

local CARD, PIN, WRONG = "4000-1111", 1234, 9999

local function atm(opts)
  opts = opts or {}
  return solution().new { bank = { [CARD] = { pin = PIN, balance = opts.balance or 1000000 } },
                          cash = opts.cash or 1000000 }
end

-- The statement's transition table: state -> { event -> target }. "card_inserted" counts the
-- PIN tries in its children (try1..try3); the ATM reports all three as card_inserted.
local PARENT = { try1 = "card_inserted", try2 = "card_inserted", try3 = "card_inserted" }
local function machine()
  return dk.statemachine {
    id = "atm", initial = "idle",
    states = {
      { id = "idle", on = { insert_card = "card_inserted", service = "maintenance" } },
      { id = "card_inserted", initial = "try1", on = { correct_pin = "authenticated", cancel = "idle" }, states = {
        { id = "try1", on = { wrong_pin = "try2" } },
        { id = "try2", on = { wrong_pin = "try3" } },
        { id = "try3", on = { wrong_pin = "card_retained" } },
      } },
      { id = "authenticated", on = { withdraw = "dispensing", withdraw_refused = "authenticated",
                                     balance = "authenticated", cancel = "idle" } },
      { id = "dispensing", on = { take_cash = "authenticated" } },
      { id = "card_retained", on = { dismiss = "idle" } },
      { id = "maintenance", on = { restock = "maintenance", resume = "idle" } },
    },
  }
end

-- Which events each atomic state handles (its own and its parent's), from the table above.
local HANDLED = {
  idle = { insert_card = true, service = true },
  try1 = { wrong_pin = true, correct_pin = true, cancel = true },
  try2 = { wrong_pin = true, correct_pin = true, cancel = true },
  try3 = { wrong_pin = true, correct_pin = true, cancel = true },
  authenticated = { withdraw = true, withdraw_refused = true, balance = true, cancel = true },
  dispensing = { take_cash = true },
  card_retained = { dismiss = true },
  maintenance = { restock = true, resume = true },
}
local EVENTS = { "insert_card", "correct_pin", "wrong_pin", "withdraw", "withdraw_refused", "take_cash",
                 "balance", "cancel", "dismiss", "service", "restock", "resume" }

-- Each abstract event of the machine as a call on the ATM.
local CALL = {
  insert_card = function(a) return a:insert_card(CARD) end,
  correct_pin = function(a) return a:enter_pin(PIN) end,
  wrong_pin = function(a) return a:enter_pin(WRONG) end,
  withdraw = function(a) return a:withdraw(100) end,
  withdraw_refused = function(a) return a:withdraw(1000000000) end, -- more than the balance
  take_cash = function(a) return a:take_cash() end,
  balance = function(a) return a:balance() end,
  cancel = function(a) return a:cancel() end,
  dismiss = function(a) return a:dismiss() end,
  service = function(a) return a:service() end,
  restock = function(a) return a:restock(500) end,
  resume = function(a) return a:resume() end,
}

local function expected_state(m)
  local atomic = m:configuration()[1]
  return PARENT[atomic] or atomic, atomic
end

-- One event on both: a handled event must be accepted (withdraw_refused: refused for funds, and
-- a wrong PIN: refused, but both are transitions), an unhandled one refused with a message
-- naming the event's method and the state, and the states must agree afterwards.
local function step(a, m, event, where)
  local _, atomic = expected_state(m)
  local before = a:state()
  local ok, msg = CALL[event](a)
  if HANDLED[atomic][event] then
    if event == "withdraw_refused" then
      expect(ok, where .. ": withdraw of more than the balance is refused"):to_be(false)
      expect(msg, where .. ": the refusal of withdraw(1000000000)"):to_match("funds")
    elseif event ~= "wrong_pin" then
      expect(ok ~= false and ok ~= nil, where .. ": " .. event .. " in state " .. before .. " is accepted (got "
        .. tostring(ok) .. ", " .. tostring(msg) .. ")"):to_be(true)
    end
  else
    expect(ok, where .. ": " .. event .. " in state " .. before .. " must be refused"):to_be(false)
    expect(msg, where .. ": the refusal of " .. event .. " in state " .. before):to_match(before)
  end
  m:send(event)
  expect(a:state(), where .. ": state after " .. event .. " from " .. before):to_be((expected_state(m)))
end

local function replay(steps, what)
  local a, m = atm(), machine()
  m:start()
  expect(a:state(), what .. ": a new ATM's state"):to_be("idle")
  for i, ev in ipairs(steps) do
    -- A long walk shows the events that led here, not all of them.
    local from = math.max(1, i - 9)
    local shown = (from > 1 and "..., " or "") .. table.concat(steps, ", ", from, i)
    step(a, m, ev, string.format("%s, step %d of %d {%s}", what, i, #steps, shown))
  end
  return a, m
end

task("The happy path", function()
  it("a new ATM is idle; a card and its PIN authenticate", function()
    local a = atm()
    expect(a:state(), "a new ATM"):to_be("idle")
    expect(a:insert_card(CARD), "insert_card(known card)"):to_be(true)
    expect(a:state(), "after insert_card"):to_be("card_inserted")
    expect(a:enter_pin(PIN), "enter_pin(right PIN)"):to_be(true)
    expect(a:state(), "after the right PIN"):to_be("authenticated")
    expect(a:balance(), "balance() of an account holding 1000000"):to_be(1000000)
  end)

  it("withdraw dispenses: the balance and the machine's cash go down; taking the cash returns", function()
    local a = atm { balance = 500, cash = 2000 }
    a:insert_card(CARD); a:enter_pin(PIN)
    expect(a:withdraw(120), "withdraw(120) from 500"):to_be(true)
    expect(a:state(), "after withdraw(120)"):to_be("dispensing")
    expect(a:cash_left(), "cash in the machine after dispensing 120 of 2000"):to_be(1880)
    expect(a:take_cash(), "take_cash()"):to_be(true)
    expect(a:state(), "after take_cash"):to_be("authenticated")
    expect(a:balance(), "balance after withdrawing 120 of 500"):to_be(380)
  end)

  it("cancel gives the card back, from card_inserted and from authenticated", function()
    local a = atm()
    a:insert_card(CARD)
    expect(a:cancel(), "cancel() with a card inserted"):to_be(true)
    expect(a:state(), "after cancel from card_inserted"):to_be("idle")
    a:insert_card(CARD); a:enter_pin(PIN)
    expect(a:cancel(), "cancel() when authenticated"):to_be(true)
    expect(a:state(), "after cancel from authenticated"):to_be("idle")
  end)

  it("new refuses bad options, naming them", function()
    local new = solution().new
    expect(function() new { cash = 10 } end, "new without a bank"):to_fail("bank")
    expect(function() new { bank = {}, cash = -1 } end, "new with cash = -1"):to_fail("cash")
    expect(function() new { bank = {}, cash = 2.5 } end, "new with cash = 2.5"):to_fail("cash")
    expect(function() new { bank = { x = { pin = 1 } }, cash = 0 } end, "an account without a balance"):to_fail("bank")
  end)
end)

task("Refusals and the PIN limit", function()
  it("three wrong PINs retain the card; dismiss returns to idle", function()
    local a = atm()
    a:insert_card(CARD)
    for i = 1, 2 do
      local ok, msg = a:enter_pin(WRONG)
      expect(ok, "wrong PIN " .. i):to_be(false)
      expect(type(msg), "wrong PIN " .. i .. ": the message"):to_be("string")
      expect(a:state(), "after wrong PIN " .. i):to_be("card_inserted")
    end
    expect(a:enter_pin(WRONG), "wrong PIN 3"):to_be(false)
    expect(a:state(), "after three wrong PINs"):to_be("card_retained")
    expect(a:dismiss(), "dismiss()"):to_be(true)
    expect(a:state(), "after dismiss"):to_be("idle")
    a:insert_card(CARD); a:enter_pin(WRONG); a:enter_pin(WRONG)
    expect(a:enter_pin(PIN), "the right PIN after two wrong ones"):to_be(true)
    expect(a:state(), "after two wrong PINs and the right one"):to_be("authenticated")
    a:cancel(); a:insert_card(CARD); a:enter_pin(WRONG); a:enter_pin(WRONG)
    expect(a:state(), "a new card starts with three tries again"):to_be("card_inserted")
  end)

  it("withdraw refuses a bad amount, insufficient funds and an empty machine, staying authenticated", function()
    local a = atm { balance = 500, cash = 300 }
    a:insert_card(CARD); a:enter_pin(PIN)
    for _, c in ipairs { { 0, "amount" }, { -20, "amount" }, { 15, "amount" }, { 600, "funds" }, { 400, "cash" } } do
      local ok, msg = a:withdraw(c[1])
      expect(ok, "withdraw(" .. c[1] .. ") with 500 in the account, 300 in the machine"):to_be(false)
      expect(msg, "the refusal of withdraw(" .. c[1] .. ")"):to_match(c[2])
      expect(a:state(), "after the refused withdraw(" .. c[1] .. ")"):to_be("authenticated")
    end
    expect({ a:balance(), a:cash_left() }, "balance and cash after only refusals"):to_equal({ 500, 300 })
  end)

  it("events the state does not handle are refused, naming the state, and change nothing", function()
    local a = atm()
    local ok, msg = a:withdraw(100)
    expect(ok, "withdraw in idle"):to_be(false)
    expect(msg, "the refusal of withdraw in idle"):to_match("idle")
    expect(a:state(), "after a refused withdraw in idle"):to_be("idle")
    ok = a:insert_card("9999-0000")
    expect(ok, "insert_card(unknown card)"):to_be(false)
    expect(a:state(), "after an unknown card"):to_be("idle")
    a:insert_card(CARD); a:enter_pin(PIN)
    ok, msg = a:insert_card(CARD)
    expect(ok, "insert_card when authenticated"):to_be(false)
    expect(msg, "the refusal of insert_card when authenticated"):to_match("authenticated")
    a:withdraw(100)
    ok, msg = a:cancel()
    expect(ok, "cancel while dispensing (the cash must be taken first)"):to_be(false)
    expect(msg, "the refusal of cancel while dispensing"):to_match("dispensing")
    expect(a:state(), "after the refused cancel"):to_be("dispensing")
  end)

  it("maintenance: service from idle, restock adds cash, resume; no card meanwhile", function()
    local a = atm { cash = 100 }
    expect(a:service(), "service() in idle"):to_be(true)
    expect(a:state(), "after service"):to_be("maintenance")
    expect(a:insert_card(CARD), "insert_card during maintenance"):to_be(false)
    expect(a:restock(400), "restock(400)"):to_be(true)
    expect(a:cash_left(), "cash after restocking 400 onto 100"):to_be(500)
    expect(a:resume(), "resume()"):to_be(true)
    expect(a:state(), "after resume"):to_be("idle")
  end)
end)

task("Checked against the state machine", function()
  it("every transition-covering path of the statement's machine replays step by step", function()
    local paths = machine():covering_paths()
    expect(#(paths.uncovered or {}), "transitions of the table designkit cannot cover"):to_be(0)
    expect(#paths, "covering paths of the table's 15 transitions"):to_be_greater_than(10)
    for i, p in ipairs(paths) do replay(p.steps, "covering path " .. i) end
  end)

  it("in every state, every event it does not handle is refused and changes nothing", function()
    local paths = machine():paths()
    expect(#(paths.missing or {}), "states designkit cannot reach"):to_be(0)
    for _, p in ipairs(paths) do
      if HANDLED[p.target] then
        for _, ev in ipairs(EVENTS) do
          if not HANDLED[p.target][ev] then
            local steps = table.move(p.steps, 1, #p.steps, 1, {})
            steps[#steps + 1] = ev
            replay(steps, "to " .. p.target .. ", then " .. ev)
          end
        end
      end
    end
  end)

  it("random walks of 400 events (seed 13), handled or not, agree with the machine", function()
    math.randomseed(13)
    for walk = 1, 5 do
      local steps = {}
      for i = 1, 400 do steps[i] = EVENTS[math.random(#EVENTS)] end
      replay(steps, "walk " .. walk)
    end
  end, { instructions = 1e9, timeout = 30 })
end)
