-- Splitwise: your solution. Replace every error("not implemented ...") with code.
local M = {}

local Group = {}
Group.__index = Group

--- M.new(members): a group of the given member names (a list of distinct strings).
function M.new(members)
  return setmetatable({}, Group)
end

--- group:add_expense { payer =, amount = cents, split = "equal" | "exact" | "percent",
--- among = { names } (equal), shares = { name = cents | percent } } -> the expense's number.
function Group:add_expense(e)
  error("not implemented: Group:add_expense", 2)
end

--- group:pay(from, to, cents): records that `from` paid `to`.
function Group:pay(from, to, cents)
  error("not implemented: Group:pay", 2)
end

--- group:balances(): { name = cents } for every member; positive: the group owes them.
function Group:balances()
  error("not implemented: Group:balances", 2)
end

--- group:settle(): the fewest transfers { from =, to =, amount = } that square every balance.
function Group:settle()
  error("not implemented: Group:settle", 2)
end

--- group:undo(), group:redo(): true, or false when there is nothing to undo / redo.
function Group:undo()
  error("not implemented: Group:undo", 2)
end

function Group:redo()
  error("not implemented: Group:redo", 2)
end

return M
