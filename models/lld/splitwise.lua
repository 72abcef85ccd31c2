-- Reference solution of the splitwise exercise: a group's shared expenses, split equally, by
-- exact amounts or by percentages; balances; a settle-up plan with the fewest transfers; and
-- every change recorded as a command, so that it can be undone and redone.
--
-- Money is whole cents (integers), so that every split adds up exactly.
local M = {}

local Group = {}
Group.__index = Group

--- M.new(members): a group of the given member names (a list of distinct strings).
function M.new(members)
  if type(members) ~= "table" or #members < 1 then error("members must be a list of names", 2) end
  local g = setmetatable({ members = {}, index = {}, balance = {}, done = {}, undone = {} }, Group)
  for i, name in ipairs(members) do
    if type(name) ~= "string" or name == "" then error("member " .. i .. " must be a name", 2) end
    if g.index[name] then error("member " .. name .. " is listed twice", 2) end
    g.members[i], g.index[name], g.balance[name] = name, i, 0
  end
  return g
end

local function check_member(g, name, role, level)
  if g.index[name] == nil then error(role .. " " .. tostring(name) .. " is not a member of the group", level + 1) end
end

-- Gives `left` cents, one each, to the first participants of `order` (the tie-break that makes
-- a split add up exactly).
local function spread(owed, order, left)
  for i = 1, left do
    local name = order[(i - 1) % #order + 1]
    owed[name] = owed[name] + 1
  end
end

-- ---- split strategies: each turns an expense into what every participant owes ----
-- A new way to split is one more entry here; add_expense does not change.

local SPLITS = {}

function SPLITS.equal(g, e)
  local among = e.among or g.members
  if #among == 0 then error("among must name at least one member", 3) end
  local owed = {}
  for _, name in ipairs(among) do
    check_member(g, name, "participant", 3)
    if owed[name] then error("participant " .. name .. " is listed twice", 3) end
    owed[name] = e.amount // #among
  end
  spread(owed, among, e.amount - e.amount // #among * #among)
  return owed
end

function SPLITS.exact(g, e)
  local owed, sum = {}, 0
  for name, cents in pairs(e.shares or {}) do
    check_member(g, name, "participant", 3)
    if math.type(cents) ~= "integer" or cents < 0 then
      error("share of " .. name .. " must be whole cents, not negative (got " .. tostring(cents) .. ")", 3)
    end
    owed[name], sum = cents, sum + cents
  end
  if sum ~= e.amount then
    error(string.format("exact shares add up to %d, not the amount %d", sum, e.amount), 3)
  end
  return owed
end

function SPLITS.percent(g, e)
  local owed, order, total, given = {}, {}, 0, 0
  for name, p in pairs(e.shares or {}) do
    check_member(g, name, "participant", 3)
    if type(p) ~= "number" or p < 0 then error("percent of " .. name .. " must be a number >= 0", 3) end
    total = total + p
  end
  if math.abs(total - 100) > 1e-9 then error(string.format("percent shares add up to %g, not 100", total), 3) end
  for _, name in ipairs(g.members) do -- member order: the rounding's tie-break
    local p = e.shares[name]
    if p and p > 0 then
      owed[name] = math.floor(e.amount * p / 100)
      given = given + owed[name]
      order[#order + 1] = name
    end
  end
  spread(owed, order, e.amount - given)
  return owed
end

-- ---- commands: every change to the balances is one, with its inverse ----

-- Applies a map of deltas to the balances, `sign` = 1 to do and -1 to undo.
local function apply(g, deltas, sign)
  for name, d in pairs(deltas) do g.balance[name] = g.balance[name] + sign * d end
end

local function run(g, command)
  apply(g, command.deltas, 1)
  g.done[#g.done + 1] = command
  g.undone = {} -- a new change makes the undone ones unreachable, as in any editor
end

--- group:add_expense { payer =, amount = cents, split = "equal" | "exact" | "percent",
--- among = { names } (equal), shares = { name = cents | percent } } -> the expense's number.
function Group:add_expense(e)
  if type(e) ~= "table" then error("add_expense takes a table", 2) end
  check_member(self, e.payer, "payer", 2)
  if math.type(e.amount) ~= "integer" or e.amount <= 0 then
    error("amount must be a positive whole number of cents (got " .. tostring(e.amount) .. ")", 2)
  end
  local split = SPLITS[e.split or "equal"]
  if not split then error('split must be "equal", "exact" or "percent" (got ' .. tostring(e.split) .. ")", 2) end
  local deltas = { [e.payer] = e.amount }
  for name, cents in pairs(split(self, e)) do deltas[name] = (deltas[name] or 0) - cents end
  self.expenses = (self.expenses or 0) + 1
  run(self, { kind = "expense", id = self.expenses, deltas = deltas })
  return self.expenses
end

--- group:pay(from, to, cents): records that `from` paid `to` back.
function Group:pay(from, to, cents)
  check_member(self, from, "payer", 2)
  check_member(self, to, "payee", 2)
  if from == to then error("payer and payee are both " .. from, 2) end
  if math.type(cents) ~= "integer" or cents <= 0 then
    error("amount must be a positive whole number of cents (got " .. tostring(cents) .. ")", 2)
  end
  run(self, { kind = "payment", deltas = { [from] = cents, [to] = -cents } })
end

--- group:balances(): { name = cents } for every member; positive: the group owes them.
function Group:balances()
  local b = {}
  for name, v in pairs(self.balance) do b[name] = v end
  return b
end

--- group:undo() / group:redo(): true, or false when there is nothing to undo / redo.
function Group:undo()
  local c = table.remove(self.done)
  if not c then return false end
  apply(self, c.deltas, -1)
  self.undone[#self.undone + 1] = c
  return true
end

function Group:redo()
  local c = table.remove(self.undone)
  if not c then return false end
  apply(self, c.deltas, 1)
  self.done[#self.done + 1] = c
  return true
end

-- ---- settling up ----

-- Settles one zero-sum group of balances with at most #group - 1 transfers: the largest debtor
-- pays the largest creditor until one of them is square.
local function settle_group(names, bal, out)
  local left = {}
  for _, n in ipairs(names) do left[n] = bal[n] end
  while true do
    local debtor, creditor
    for _, n in ipairs(names) do
      if left[n] < 0 and (not debtor or left[n] < left[debtor]) then debtor = n end
      if left[n] > 0 and (not creditor or left[n] > left[creditor]) then creditor = n end
    end
    if not debtor then return end
    local amount = math.min(-left[debtor], left[creditor])
    out[#out + 1] = { from = debtor, to = creditor, amount = amount }
    left[debtor], left[creditor] = left[debtor] + amount, left[creditor] - amount
  end
end

--- group:settle(): the fewest transfers { from =, to =, amount = } that square every balance.
--- n people with non-zero balances need n - k transfers, where k is the largest number of
--- disjoint groups each summing to zero (each group settles in its size minus one, and no
--- plan does better). k comes from a dynamic programme over subsets: best[mask] is the most
--- zero-sum groups the members of mask can be cut into, reached by adding one member at a time.
function Group:settle()
  local names = {}
  for _, n in ipairs(self.members) do
    if self.balance[n] ~= 0 then names[#names + 1] = n end
  end
  local n = #names
  if n > 20 then error("settle: at most 20 members with open balances (got " .. n .. ")", 2) end
  local full = (1 << n) - 1
  local sum, best, last = { [0] = 0 }, { [0] = 0 }, {}
  for mask = 1, full do
    local low = mask & -mask
    local i = 0
    while (1 << i) ~= low do i = i + 1 end
    sum[mask] = sum[mask ~ low] + self.balance[names[i + 1]]
    best[mask] = -1
    for j = 0, n - 1 do
      local bit = 1 << j
      if mask & bit ~= 0 and best[mask ~ bit] > best[mask] then best[mask], last[mask] = best[mask ~ bit], j end
    end
    if sum[mask] == 0 then best[mask] = best[mask] + 1 end
  end
  -- Walk back from the full set: the chain of masks whose sums are zero cuts the members into
  -- the groups.
  local order, mask = {}, full
  while mask ~= 0 do
    table.insert(order, 1, last[mask])
    mask = mask ~ (1 << last[mask])
  end
  local out, group, acc = {}, {}, 0
  for _, j in ipairs(order) do
    group[#group + 1] = names[j + 1]
    acc = acc + self.balance[names[j + 1]]
    if acc == 0 then
      settle_group(group, self.balance, out)
      group = {}
    end
  end
  return out
end

return M
