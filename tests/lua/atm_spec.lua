-- atm_spec: dk.atm from Lua: a whole session, the fewest notes checked against a brute force
-- written here, refusals as nil and a message, rollback, limits, and bad machines.
local dk = require "designkit"

local function machine(extra)
  local opts = {
    cassettes = { [50] = 10, [20] = 30 },
    accounts = { ["4000"] = { pin = "1234", balance = 1000 }, ["5000"] = { pin = "9999", balance = 100 } },
  }
  for k, v in pairs(extra or {}) do opts[k] = v end
  return dk.atm(opts)
end

local function login(atm, card, pin)
  assert(atm:insert(card))
  assert(atm:pin(pin))
end

-- The fewest notes making `amount` from `stock` ({ {value, count}, ... }), every combination tried.
local function brute(stock, i, amount)
  if i > #stock then return amount == 0 and 0 or nil end
  local best
  local v, c = stock[i][1], stock[i][2]
  for k = 0, c do
    if k * v > amount then break end
    local rest = brute(stock, i + 1, amount - k * v)
    if rest and (not best or rest + k < best) then best = rest + k end
  end
  return best
end

describe("dk.atm", function()
  it("runs a session from card to card", function()
    local atm = machine()
    expect(atm:state()):to_be("idle")
    expect(atm:insert("4000")):to_be(true)
    expect(atm:state()):to_be("pin")
    expect(atm:pin("1234")):to_be(true)
    expect(atm:state()):to_be("menu")
    local notes = atm:withdraw(160)
    expect(notes[50]):to_be(2)
    expect(notes[20]):to_be(3)
    local av, pend = atm:balance()
    expect(av):to_be(840)
    expect(pend):to_be(0)
    expect(atm:stock()[50]):to_be(8)
    atm:cancel()
    expect(atm:state()):to_be("ejecting")
    atm:take_card()
    expect(atm:state()):to_be("idle")
    local log = atm:audit()
    local found = false
    for _, line in ipairs(log) do found = found or line:find("withdraw 160: ok", 1, true) ~= nil end
    expect(found):to_be(true)
  end)

  it("dispenses the fewest notes a brute force finds", function()
    local values = { 5, 10, 20, 50, 100 }
    local rng = 12345
    local function rand(n) rng = (rng * 1103515245 + 12345) % 2147483648; return rng % n end
    for _ = 1, 200 do
      local cassettes, stock = {}, {}
      for _, v in ipairs(values) do
        if rand(2) == 1 then
          local c = rand(5)
          cassettes[v] = c
          stock[#stock + 1] = { v, c }
        end
      end
      if #stock == 0 then cassettes[20] = 3; stock[1] = { 20, 3 } end
      local atm = dk.atm { cassettes = cassettes, accounts = { a = { pin = "0000", balance = 10000 } } }
      login(atm, "a", "0000")
      local amount = 5 * (1 + rand(60))
      local want = brute(stock, 1, amount)
      local notes, why = atm:withdraw(amount)
      if want then
        local n, sum = 0, 0
        for v, c in pairs(notes) do n = n + c; sum = sum + v * c end
        expect(sum):to_be(amount)
        expect(n):to_be(want)
      else
        expect(notes):to_be(nil)
        expect(type(why)):to_be("string")
      end
    end
  end)

  it("refuses with nil and a message, and changes nothing", function()
    local atm = machine()
    login(atm, "5000", "9999")
    local ok, why = atm:withdraw(35)
    expect(ok):to_be(nil)
    expect(why:find("not a multiple of 10", 1, true) ~= nil):to_be(true)
    ok, why = atm:withdraw(30)
    expect(why:find("no combination", 1, true) ~= nil):to_be(true)
    ok, why = atm:withdraw(120)
    expect(why:find("available balance is 100", 1, true) ~= nil):to_be(true)
    expect((atm:account("5000"))):to_be(100)
    expect(atm:state()):to_be("menu")
  end)

  it("retains the card after too many wrong PINs", function()
    local atm = machine { pin_attempts = 2 }
    atm:insert("4000")
    local ok, why = atm:pin("0000")
    expect(ok):to_be(nil)
    expect(why:find("1 attempts left", 1, true) ~= nil):to_be(true)
    ok, why = atm:pin("0000")
    expect(why:find("retained", 1, true) ~= nil):to_be(true)
    expect(atm:retained("4000")):to_be(true)
    expect(atm:state()):to_be("idle")
  end)

  it("rolls back a failed dispense and survives a link failure", function()
    local atm = machine()
    login(atm, "4000", "1234")
    atm:fail_dispense(1)
    local ok, why = atm:withdraw(100)
    expect(ok):to_be(nil)
    expect(why:find("dispenser failed", 1, true) ~= nil):to_be(true)
    expect((atm:account("4000"))):to_be(1000)
    atm:fail_link(1)
    ok, why = atm:transfer("5000", 10)
    expect(why:find("bank link is down", 1, true) ~= nil):to_be(true)
    expect(atm:transfer("5000", 10)):to_be(true)
    expect((atm:account("5000"))):to_be(110)
  end)

  it("keeps cheques pending until cleared and limits a day", function()
    local atm = machine { daily_limit = 200 }
    login(atm, "5000", "9999")
    atm:deposit(300, "cheque")
    local av, pend = atm:balance()
    expect(av):to_be(100)
    expect(pend):to_be(300)
    atm:clear_cheques()
    expect(atm:withdraw(200) ~= nil):to_be(true)
    local ok, why = atm:withdraw(20)
    expect(why:find("daily limit", 1, true) ~= nil):to_be(true)
    atm:advance "1d"
    expect(atm:withdraw(20) ~= nil):to_be(true)
    expect(atm:now()):to_be(86400)
  end)

  it("shares a bank with another machine", function()
    local lobby = machine()
    local street = dk.atm { cassettes = { [10] = 50 }, bank = lobby, daily_limit = 150,
                            accounts = { ["6000"] = { pin = "4321", balance = 70 } } }
    expect(lobby:account("6000")):to_be(70) -- the new machine's accounts are the bank's
    login(street, "4000", "1234")
    expect(street:withdraw(100)[10]):to_be(10)
    expect(lobby:account("4000")):to_be(900) -- one account, seen by both machines
    login(lobby, "4000", "1234")
    expect(lobby:withdraw(900)[50]):to_be(10)
    local ok, why = street:withdraw(40) -- the card's day counts every machine's withdrawals
    expect(ok):to_be(nil)
    expect(why):to_be("atm: withdraw 40: over the daily limit (0 left today)")
    street:advance "1d"
    ok, why = street:withdraw(40) -- and the other machine took all the money
    expect(why):to_be("atm: withdraw 40: the available balance is 0")
    lobby:close() -- the bank lives on with the street machine
    expect(street:account("5000")):to_be(100)
    ok, why = pcall(dk.atm, { cassettes = { [10] = 1 }, bank = lobby })
    expect(why:find("bank must be an open dk.atm whose accounts to share (got a closed atm)", 1, true) ~= nil):to_be(true)
    ok, why = pcall(function() return dk.atm { cassettes = { [10] = 1 }, bank = "lobby" } end)
    expect(why:match("atm_spec%.lua:%d+: atm: bank must be an open dk%.atm whose accounts to share %(got string%)$") ~= nil)
      :to_be(true) -- at the caller's line
    ok, why = pcall(dk.atm, { cassettes = { [10] = 1 }, bank = street, accounts = { ["6000"] = { pin = "1111" } } })
    expect(why:find('account "6000": the card is in use', 1, true) ~= nil):to_be(true)
  end)

  it("raises for calls out of order and bad machines", function()
    local atm = machine()
    local ok, err = pcall(atm.withdraw, atm, 20)
    expect(ok):to_be(false)
    expect(err:find("withdraw needs the state menu (the machine is in idle)", 1, true) ~= nil):to_be(true)
    ok, err = pcall(dk.atm, { cassettes = { [50] = -1 } })
    expect(err:find("cassette 1: count must be >= 0", 1, true) ~= nil):to_be(true)
    ok, err = pcall(dk.atm, { cassettes = { [50] = 1 }, colour = "red" })
    expect(ok):to_be(false)
    ok, err = pcall(dk.atm, { cassettes = { [50] = 1 }, accounts = { x = { pin = "12" } } })
    expect(err:find('account "x": pin must be 4 to 12 digits', 1, true) ~= nil):to_be(true)
    ok, err = pcall(atm.deposit, atm, 10, "gold")
    expect(ok):to_be(false)
    atm:close()
    ok = pcall(atm.state, atm)
    expect(ok):to_be(false)
  end)
end)
