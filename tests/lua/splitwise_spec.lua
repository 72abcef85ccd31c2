-- splitwise_spec: dk.splitwise from Lua: simplification against a brute-force minimum, the
-- ledger's splits and balances, its history and replay, and bad input located at the line.
local dk = require "designkit"

-- The fewest transfers, by brute force: k non-zero balances minus the most zero-sum blocks a
-- partition of them can have (every set partition is tried).
local function brute_minimum(balances)
  local v = {}
  for _, b in pairs(balances) do
    if b ~= 0 then v[#v + 1] = b end
  end
  local best = 0
  local sums = {}
  local function go(i, blocks)
    if i > #v then
      for b = 1, blocks do
        if sums[b] ~= 0 then return end
      end
      if blocks > best then best = blocks end
      return
    end
    for b = 1, blocks + 1 do
      if b > blocks then sums[b] = 0 end
      sums[b] = sums[b] + v[i]
      go(i + 1, math.max(blocks, b))
      sums[b] = sums[b] - v[i]
    end
  end
  go(1, 0)
  return #v - best
end

-- Applies a plan to a copy of the balances; true when everyone is square.
local function settles(balances, plan)
  local b = {}
  for k, v in pairs(balances) do b[k] = v end
  for _, t in ipairs(plan) do
    if t.amount <= 0 or t.from == t.to then return false end
    b[t.from] = b[t.from] + t.amount
    b[t.to] = b[t.to] - t.amount
  end
  for _, v in pairs(b) do
    if v ~= 0 then return false end
  end
  return true
end

local example = { a = 4, b = 3, c = -5, d = 3, e = -6, f = 1 }

describe("dk.splitwise.simplify", function()
  it("settles +4 +3 -5 +3 -6 +1 in 4 transfers at the minimum, where greedy needs 5", function()
    local exact = dk.splitwise.simplify(example, { exact = true })
    local greedy = dk.splitwise.simplify(example)
    expect(#exact):to_be(4)
    expect(#greedy):to_be(5)
    expect(brute_minimum(example)):to_be(4)
    expect(settles(example, exact)):to_be(true)
    expect(settles(example, greedy)):to_be(true)
    expect(greedy[1]):to_equal({ from = "e", to = "a", amount = 4 })
  end)

  it("takes a list and numbers the people", function()
    local plan = dk.splitwise.simplify({ 4, 3, -5, 3, -6, 1 }, { exact = true })
    expect(#plan):to_be(4)
    expect(settles({ 4, 3, -5, 3, -6, 1 }, plan)):to_be(true)
    expect(math.type(plan[1].from)):to_be("integer")
  end)

  it("is minimal on random balances (seeded), and exact <= greedy <= k - 1", function()
    local seed = 12345
    local function rand(n) -- a small LCG: the spec's own numbers, independent of the library's
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    end
    for _ = 1, 300 do
      local n, sum, b = 1 + rand(8), 0, {}
      for i = 1, n - 1 do
        b["p" .. i] = rand(9) - 4
        sum = sum + b["p" .. i]
      end
      b["p" .. n] = -sum
      local k = 0
      for _, v in pairs(b) do
        if v ~= 0 then k = k + 1 end
      end
      local exact = dk.splitwise.simplify(b, { exact = true })
      local greedy = dk.splitwise.simplify(b)
      expect(settles(b, exact)):to_be(true)
      expect(settles(b, greedy)):to_be(true)
      expect(#exact):to_be(brute_minimum(b))
      expect(#exact <= #greedy):to_be(true)
      expect(#greedy <= math.max(k - 1, 0)):to_be(true)
    end
  end)

  it("refuses bad balances at the caller's line", function()
    expect(function() dk.splitwise.simplify({ a = 5, b = -3 }) end)
      :to_fail("splitwise_spec.lua:%d+: simplify: balances sum to 2, not 0")
    expect(function() dk.splitwise.simplify({ a = 1.5, b = -1.5 }) end)
      :to_fail('balance of "a" must be a whole number (got 1.5)')
    expect(function() dk.splitwise.simplify(example, { exact = true, fast = 1 }) end)
      :to_fail('simplify: unknown option "fast"')
    local many = {}
    for i = 1, 21 do many["p" .. i] = i <= 20 and 1 or -20 end
    expect(function() dk.splitwise.simplify(many, { exact = true }) end)
      :to_fail("splitwise_spec.lua:%d+: simplify: exact simplification handles at most 20")
    expect(#dk.splitwise.simplify(many)):to_be(20)
  end)
end)

local function trio()
  local l = dk.splitwise.ledger()
  l:add_user "ann":add_user "bob":add_user "cy"
  return l
end

describe("a ledger", function()
  it("splits equally, exactly, by percent and by shares, to the cent", function()
    local l = trio()
    expect(l:expense { payer = "ann", amount = 1000, among = { "ann", "bob", "cy" } })
      :to_equal({ ann = 334, bob = 333, cy = 333 })
    expect(l:expense { payer = "bob", amount = 100, split = "shares", shares = { ann = 1, cy = 2 } })
      :to_equal({ ann = 33, cy = 67 })
    expect(l:expense { payer = "cy", amount = 1001, split = "percent",
                       shares = { ann = 33.33, bob = 33.33, cy = 33.34 } })
      :to_equal({ ann = 334, bob = 333, cy = 334 })
    expect(l:expense { payer = "cy", amount = 500, split = "exact", shares = { { "bob", 200 }, { "ann", 300 } } })
      :to_equal({ bob = 200, ann = 300 })
    local b = l:balances()
    expect(b):to_equal({ ann = 1000 - 334 - 33 - 334 - 300, bob = 100 - 333 - 333 - 200,
                         cy = 1001 + 500 - 333 - 67 - 334 })
    expect(b.ann + b.bob + b.cy):to_be(0)
  end)

  it("keeps group balances, settles up and returns to zero", function()
    local l = trio()
    l:add_user "dee"
    l:add_group("trip", { "ann", "bob", "cy" })
    l:expense { payer = "bob", amount = 900, group = "trip", description = "fuel" }
    l:expense { payer = "dee", amount = 200, among = { "dee", "ann" } }
    expect(l:balances "trip"):to_equal({ ann = -300, bob = 600, cy = -300, dee = 0 })
    local plan = l:simplify { group = "trip", exact = true }
    expect(#plan):to_be(2)
    expect(l:balances "trip".bob):to_be(600) -- a plan records nothing
    expect(l:settle_up { group = "trip", exact = true }):to_equal(plan)
    expect(l:balances "trip"):to_equal({ ann = 0, bob = 0, cy = 0, dee = 0 })
    expect(l:balances()):to_equal({ ann = -100, bob = 0, cy = 0, dee = 100 })
    l:settle("ann", "dee", 100)
    expect(l:balances()):to_equal({ ann = 0, bob = 0, cy = 0, dee = 0 })
    expect(l:users()):to_equal({ "ann", "bob", "cy", "dee" })
    expect(tostring(l)):to_be("ledger (4 users, 1 groups, 10 events)")
  end)

  it("keeps a history that replays, also through JSON", function()
    local l = trio()
    l:add_group("flat", { "ann", "bob" })
    l:expense { payer = "ann", amount = 999, among = { "ann", "bob", "cy" }, description = "rent" }
    l:expense { payer = "bob", amount = 250, split = "percent", shares = { { "cy", 12.5 }, { "ann", 87.5 } } }
    l:settle("cy", "ann", 100)
    l:expense { payer = "ann", amount = 60, group = "flat" }
    local h = l:history()
    expect(#h):to_be(8)
    expect(h[1]):to_equal({ type = "user", name = "ann" })
    expect(h[4]):to_equal({ type = "group", name = "flat", members = { "ann", "bob" } })
    expect(h[5].owed):to_equal({ ann = 333, bob = 333, cy = 333 })
    expect(h[6].shares):to_equal({ { "cy", 12.5 }, { "ann", 87.5 } })
    expect(h[7]):to_equal({ type = "settle", from = "cy", to = "ann", amount = 100 })
    local again = dk.splitwise.replay(dk.json.decode(dk.json.encode(h)))
    expect(again:balances()):to_equal(l:balances())
    expect(again:history()):to_equal(h)
    -- back in time: after the rent only
    local then_ = l:replay(5)
    expect(then_:balances()):to_equal({ ann = 666, bob = -333, cy = -333 })
    expect(#then_:history()):to_be(5)
  end)

  it("conserves money over random histories (seeded)", function()
    local seed = 777
    local function rand(n)
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    end
    local names = { "ann", "bob", "cy", "dee", "eve" }
    local splits = { "equal", "exact", "percent", "shares" }
    for _ = 1, 20 do
      local l = dk.splitwise.ledger()
      for _, n in ipairs(names) do l:add_user(n) end
      for _ = 1, 30 do
        local payer, amount = names[1 + rand(5)], 1 + rand(10000)
        local split = splits[1 + rand(4)]
        local k = 1 + rand(5)
        local opts = { payer = payer, amount = amount, split = split }
        if split == "equal" then
          opts.among = {}
          for i = 1, k do opts.among[i] = names[i] end
        else
          opts.shares = {}
          local left, pleft = amount, 100
          for i = 1, k do
            local v = 1 + rand(5)
            if split == "exact" then v = i < k and rand(left + 1) or left; left = left - v end
            if split == "percent" then v = i < k and rand(pleft + 1) or pleft; pleft = pleft - v end
            opts.shares[names[i]] = v
          end
        end
        local owed, total = l:expense(opts), 0
        for _, v in pairs(owed) do total = total + v end
        expect(total):to_be(amount)
        local sum = 0
        for _, v in pairs(l:balances()) do sum = sum + v end
        expect(sum):to_be(0)
      end
      local b = l:balances()
      local exact, greedy = l:simplify { exact = true }, l:simplify()
      expect(#exact):to_be(brute_minimum(b))
      expect(#exact <= #greedy):to_be(true)
      l:settle_up { exact = true }
      for _, v in pairs(l:balances()) do expect(v):to_be(0) end
    end
  end)

  it("refuses bad input at the caller's line, naming the field", function()
    local l = trio()
    expect(function() l:expense { payer = "ann", amount = 100, split = "percent", shares = { ann = 50, bob = 49.5 } } end)
      :to_fail("splitwise_spec.lua:%d+: expense: percentages sum to 99.50%%, not 100%%")
    expect(function() l:expense { payer = "ann", amount = 100, split = "shares", shares = { ann = 1, bob = 0 } } end)
      :to_fail('splitwise_spec.lua:%d+: expense: share of "bob" must be a positive integer')
    expect(function() l:expense { payer = "bobb", amount = 100, among = { "ann" } } end)
      :to_fail('splitwise_spec.lua:%d+: expense: payer "bobb" is not a user; did you mean "bob"?')
    expect(function() l:expense { payer = "ann", amount = 100, among = { "ann", "zed" } } end)
      :to_fail('expense: participant "zed" is not a user')
    expect(function() l:expense { payer = "ann", amount = -5, among = { "ann" } } end)
      :to_fail("expense: amount must be a positive number of minor units")
    expect(function() l:expense { payer = "ann", amount = 10.5, among = { "ann" } } end)
      :to_fail("expense: amount must be a whole number (got 10.5)")
    expect(function() l:expense { payer = "ann", amount = 10, split = "equl", among = { "ann" } } end)
      :to_fail('expense: unknown split "equl"; did you mean "equal"?')
    expect(function() l:expense { payer = "ann", amount = 10, among = { "ann" }, payr = "x" } end)
      :to_fail('expense: unknown option "payr"; did you mean "payer"?')
    expect(function() l:expense { payer = "ann", amount = 10, split = "percent", shares = { ann = 33.333, bob = 66.667 } } end)
      :to_fail('expense: percent of "ann" must have at most two decimals')
    expect(function() l:expense { payer = "ann", amount = 10, split = "exact", among = { "ann" } } end)
      :to_fail("a exact split takes shares")
    expect(function() l:expense { payer = "ann", amount = 10 } end)
      :to_fail("needs participants (users) or a group")
    expect(function() l:add_user "ann" end):to_fail('splitwise_spec.lua:%d+: user "ann" already exists')
    expect(function() l:add_group("g", { "ann", "ann" }) end):to_fail('member "ann" is listed twice')
    expect(function() l:settle("ann", "ann", 5) end):to_fail('"ann" cannot pay themselves')
    expect(function() l:settle("ann", "bob", 0) end):to_fail("settle: amount must be a positive")
    expect(function() l:balances "nope" end):to_fail('balances: group "nope" does not exist')
    expect(function() dk.splitwise.replay({ { type = "user", name = "a" }, { type = "usr" } }) end)
      :to_fail('replay: history[2]: unknown type "usr"')
    expect(function() dk.splitwise.replay({ { type = "user", name = "a" }, { type = "user", name = "a" } }) end)
      :to_fail('replay: history[2]: user "a" already exists')
    expect(#l:history()):to_be(3) -- none of the above got in
    l:close()
    expect(function() l:balances() end):to_fail("ledger is closed")
    expect(tostring(l)):to_be("ledger (closed)")
  end)
end)

describe("the splitwise annotations", function()
  it("cover every function and method", function()
    local f = assert(io.open("bindings/lua/meta/designkit.lua", "r"))
    local meta = f:read("a")
    f:close()
    for name in pairs(dk.splitwise) do
      expect(meta:find("function dk.splitwise." .. name .. "(", 1, true) ~= nil and name or "missing " .. name):to_be(name)
    end
    for name in pairs(getmetatable(dk.splitwise.ledger()).__index) do
      expect(meta:find("function Ledger:" .. name .. "(", 1, true) ~= nil and name or "missing " .. name):to_be(name)
    end
  end)
end)
