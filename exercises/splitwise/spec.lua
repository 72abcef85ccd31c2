-- Tests of the splitwise exercise. Balances are worked out by hand; the fewest transfers come
-- from an exhaustive search written here (the classic backtracking over who pays whom), on hand
-- cases and on random groups (seeded); undo and redo are checked against balances kept here.

local function new(members) return solution().new(members) end

-- The balances as a plain table, every member present (zeros included).
local function balances(g, members)
  local b, out = g:balances(), {}
  for _, m in ipairs(members) do out[m] = b[m] end
  return out
end

-- The fewest transfers that square `values` (a list of integers summing to zero), by exhaustive
-- search: settle the first open balance against every later one of opposite sign, recursively.
local function fewest(values)
  local debt = {}
  for _, v in ipairs(values) do if v ~= 0 then debt[#debt + 1] = v end end
  local function dfs(start)
    while start <= #debt and debt[start] == 0 do start = start + 1 end
    if start > #debt then return 0 end
    local best = math.huge
    for j = start + 1, #debt do
      if debt[j] * debt[start] < 0 then
        debt[j] = debt[j] + debt[start]
        best = math.min(best, 1 + dfs(start + 1))
        debt[j] = debt[j] - debt[start]
      end
    end
    return best
  end
  return dfs(1)
end

-- Checks a settle-up plan: transfers between members, positive whole cents, squaring every
-- balance, and no more of them than the exhaustive search needs.
local function check_plan(g, members, what)
  local bal = balances(g, members)
  local values = {}
  for _, m in ipairs(members) do values[#values + 1] = bal[m] end
  local plan = g:settle()
  expect(type(plan), what .. ": settle() returns a list"):to_be("table")
  for i, t in ipairs(plan) do
    expect(bal[t.from] ~= nil and bal[t.to] ~= nil and t.from ~= t.to,
      what .. ": transfer " .. i .. " is between two members (" .. tostring(t.from) .. " -> " .. tostring(t.to) .. ")")
      :to_be(true)
    expect(math.type(t.amount) == "integer" and t.amount > 0,
      what .. ": transfer " .. i .. " amount (" .. tostring(t.amount) .. ") is positive whole cents"):to_be(true)
    bal[t.from], bal[t.to] = bal[t.from] + t.amount, bal[t.to] - t.amount
  end
  for _, m in ipairs(members) do
    expect(bal[m], what .. ": " .. m .. "'s balance after the plan's transfers"):to_be(0)
  end
  expect(#plan, what .. ": number of transfers (balances " .. table.concat(values, ", ") .. ")")
    :to_be(fewest(values))
  return plan
end

local ABC = { "ann", "bob", "cat" }

task("Expenses and balances", function()
  it("an equal split: the payer is owed what the others owe", function()
    local g = new(ABC)
    local id = g:add_expense { payer = "ann", amount = 9000, split = "equal" }
    expect(math.type(id), "add_expense returns the expense's number"):to_be("integer")
    expect(balances(g, ABC), "after ann pays 90.00 split equally three ways")
      :to_equal({ ann = 6000, bob = -3000, cat = -3000 })
    g:add_expense { payer = "bob", amount = 3000, split = "equal", among = { "bob", "cat" } }
    expect(balances(g, ABC), "after bob pays 30.00 split between bob and cat")
      :to_equal({ ann = 6000, bob = -1500, cat = -4500 })
  end)

  it("an equal split that does not divide: the first participants pay a cent more", function()
    local g = new(ABC)
    g:add_expense { payer = "cat", amount = 1000, split = "equal" } -- 334 + 333 + 333
    expect(balances(g, ABC), "after cat pays 10.00 three ways"):to_equal({ ann = -334, bob = -333, cat = 667 })
    local g2 = new(ABC)
    g2:add_expense { payer = "ann", amount = 101, split = "equal", among = { "cat", "bob" } } -- cat 51, bob 50
    expect(balances(g2, ABC), "after ann pays 1.01 for cat and bob, in that order")
      :to_equal({ ann = 101, bob = -50, cat = -51 })
  end)

  it("exact and percent splits", function()
    local g = new(ABC)
    g:add_expense { payer = "bob", amount = 10000, split = "exact", shares = { ann = 2500, bob = 1500, cat = 6000 } }
    expect(balances(g, ABC), "after bob pays 100.00 split 25 / 15 / 60 exactly")
      :to_equal({ ann = -2500, bob = 8500, cat = -6000 })
    local g2 = new(ABC)
    g2:add_expense { payer = "ann", amount = 20000, split = "percent", shares = { ann = 50, bob = 30, cat = 20 } }
    expect(balances(g2, ABC), "after ann pays 200.00 split 50% / 30% / 20%")
      :to_equal({ ann = 10000, bob = -6000, cat = -4000 })
  end)

  it("a percent split that does not divide gives the leftover cents in member order", function()
    local g = new(ABC)
    -- 1001 * 50% = 500.5, 1001 * 25% = 250.25 twice: floors 500 + 250 + 250 = 1000, one cent left
    -- for the first member with a share, in the group's order: ann.
    g:add_expense { payer = "bob", amount = 1001, split = "percent", shares = { cat = 50, ann = 25, bob = 25 } }
    expect(balances(g, ABC), "after bob pays 10.01 split cat 50%, ann 25%, bob 25%")
      :to_equal({ ann = -251, bob = 751, cat = -500 })
  end)

  it("bad expenses are refused with a message naming what is wrong, and change nothing", function()
    local g = new(ABC)
    local cases = {
      { { payer = "dan", amount = 100 }, "dan" },
      { { payer = "ann", amount = 0 }, "amount" },
      { { payer = "ann", amount = 12.5 }, "amount" },
      { { payer = "ann", amount = 100, split = "thirds" }, "split" },
      { { payer = "ann", amount = 100, split = "equal", among = { "ann", "eve" } }, "eve" },
      { { payer = "ann", amount = 100, split = "exact", shares = { ann = 50, bob = 40 } }, "100" },
      { { payer = "ann", amount = 100, split = "percent", shares = { ann = 50, bob = 40 } }, "100" },
    }
    for i, c in ipairs(cases) do
      expect(function() g:add_expense(c[1]) end, "bad expense " .. i .. " (message must name " .. c[2] .. ")")
        :to_fail(c[2])
    end
    expect(balances(g, ABC), "balances after only refused expenses"):to_equal({ ann = 0, bob = 0, cat = 0 })
  end)
end)

task("Settle up with the fewest transfers", function()
  it("a plan squares every balance; nothing to settle gives no transfers", function()
    local g = new(ABC)
    expect(#g:settle(), "settle() of a group with no expenses"):to_be(0)
    g:add_expense { payer = "ann", amount = 9000, split = "equal" }
    local plan = check_plan(g, ABC, "ann paid 90.00 for three")
    expect(#plan, "transfers to settle ann's expense"):to_be(2)
    expect(balances(g, ABC), "settle() only proposes: the balances are unchanged")
      :to_equal({ ann = 6000, bob = -3000, cat = -3000 })
  end)

  it("finds the groups that settle among themselves (where paying the largest debt first does not)", function()
    -- ann +6, bob +4, cat -3, dan -3, eve -4: {ann, cat, dan} and {bob, eve} each sum to zero,
    -- so 3 transfers do; matching the largest debtor with the largest creditor takes 4.
    local members = { "ann", "bob", "cat", "dan", "eve" }
    local g = new(members)
    g:add_expense { payer = "ann", amount = 600, split = "exact", shares = { cat = 300, dan = 300 } }
    g:add_expense { payer = "bob", amount = 400, split = "exact", shares = { eve = 400 } }
    check_plan(g, members, "ann +6, bob +4, cat -3, dan -3, eve -4")
  end)

  it("300 random groups of 2 to 8 members (seed 3): as few transfers as an exhaustive search", function()
    math.randomseed(3)
    for round = 1, 300 do
      local members = {}
      for i = 1, math.random(2, 8) do members[i] = "m" .. i end
      local g = new(members)
      for _ = 1, math.random(1, 4) do
        local payer = members[math.random(#members)]
        local among = {}
        for _, m in ipairs(members) do if math.random() < 0.6 then among[#among + 1] = m end end
        if #among == 0 then among[1] = payer end
        g:add_expense { payer = payer, amount = math.random(1, 20) * 100, split = "equal", among = among }
      end
      if math.random() < 0.5 then
        local a, b = members[1], members[2]
        g:pay(a, b, math.random(1, 9) * 100)
      end
      check_plan(g, members, "random group " .. round)
    end
  end, { instructions = 1e9, timeout = 30 })

  it("paying the plan's transfers with pay() squares the group", function()
    local g = new(ABC)
    g:add_expense { payer = "ann", amount = 9000, split = "equal" }
    g:add_expense { payer = "bob", amount = 1200, split = "percent", shares = { ann = 50, cat = 50 } }
    for _, t in ipairs(g:settle()) do g:pay(t.from, t.to, t.amount) end
    expect(balances(g, ABC), "balances after paying every transfer"):to_equal({ ann = 0, bob = 0, cat = 0 })
    expect(function() g:pay("ann", "ann", 5) end, "pay(ann, ann, 5)"):to_fail("ann")
    expect(function() g:pay("ann", "zed", 5) end, "pay(ann, zed, 5)"):to_fail("zed")
    expect(function() g:pay("ann", "bob", -5) end, "pay(ann, bob, -5)"):to_fail("amount")
  end)
end)

task("History: undo and redo", function()
  it("undo reverts the last change, expense or payment; with nothing left it returns false", function()
    local g = new(ABC)
    g:add_expense { payer = "ann", amount = 9000, split = "equal" }
    g:pay("bob", "ann", 1000)
    expect(g:undo(), "undo() of the payment"):to_be(true)
    expect(balances(g, ABC), "after undoing bob's payment"):to_equal({ ann = 6000, bob = -3000, cat = -3000 })
    expect(g:undo(), "undo() of the expense"):to_be(true)
    expect(balances(g, ABC), "after undoing the expense too"):to_equal({ ann = 0, bob = 0, cat = 0 })
    expect(g:undo(), "undo() with nothing left"):to_be(false)
  end)

  it("redo re-applies what was undone, in order; a new change clears what could be redone", function()
    local g = new(ABC)
    g:add_expense { payer = "ann", amount = 9000, split = "equal" }
    g:add_expense { payer = "cat", amount = 600, split = "equal" }
    g:undo(); g:undo()
    expect(g:redo(), "first redo()"):to_be(true)
    expect(balances(g, ABC), "after redoing ann's expense"):to_equal({ ann = 6000, bob = -3000, cat = -3000 })
    expect(g:redo(), "second redo()"):to_be(true)
    expect(balances(g, ABC), "after redoing cat's expense"):to_equal({ ann = 5800, bob = -3200, cat = -2600 })
    expect(g:redo(), "redo() with nothing undone"):to_be(false)
    g:undo()
    g:pay("bob", "ann", 100)
    expect(g:redo(), "redo() after a new change"):to_be(false)
    expect(balances(g, ABC), "after undo, then a payment"):to_equal({ ann = 5900, bob = -2900, cat = -3000 })
  end)

  it("500 random changes, undos and redos (seed 21) agree with balances kept by the test", function()
    math.randomseed(21)
    local members = { "ann", "bob", "cat", "dan" }
    local g = new(members)
    local done, undone = {}, {}  -- the test's own history: lists of delta maps
    local model = { ann = 0, bob = 0, cat = 0, dan = 0 }
    local function apply(d, sign) for k, v in pairs(d) do model[k] = model[k] + sign * v end end
    for step = 1, 500 do
      local r = math.random()
      if r < 0.4 then
        local payer, amount = members[math.random(4)], math.random(1, 50) * 4
        g:add_expense { payer = payer, amount = amount, split = "equal" }
        local d = { ann = -amount // 4, bob = -amount // 4, cat = -amount // 4, dan = -amount // 4 }
        d[payer] = d[payer] + amount
        apply(d, 1); done[#done + 1] = d; undone = {}
      elseif r < 0.55 then
        local a = math.random(4)
        local b = a % 4 + 1
        local amount = math.random(1, 30)
        g:pay(members[a], members[b], amount)
        local d = { [members[a]] = amount, [members[b]] = -amount }
        apply(d, 1); done[#done + 1] = d; undone = {}
      elseif r < 0.8 then
        local want = #done > 0
        expect(g:undo(), "step " .. step .. ": undo() with " .. #done .. " changes done"):to_be(want)
        if want then local d = table.remove(done); apply(d, -1); undone[#undone + 1] = d end
      else
        local want = #undone > 0
        expect(g:redo(), "step " .. step .. ": redo() with " .. #undone .. " changes undone"):to_be(want)
        if want then local d = table.remove(undone); apply(d, 1); done[#done + 1] = d end
      end
      expect(balances(g, members), "balances after step " .. step):to_equal(model)
    end
  end)
end)
