-- Reference solution of the snakes_ladders exercise: a game engine whose rules are options
-- (the finish, an extra roll on a six, three sixes forfeit) and whose dice are injected, so a
-- game can be replayed move by move; and the expected length of a lone player's game, solved
-- as an absorbing Markov chain by value iteration.
local M = {}

local FINISHES = { exact = true, bounce = true }

-- The board's jumps (ladders and snakes) in one map, checked so that every move ends after at
-- most one jump: a jump stays on the board, never starts on square 0 or the last square, a
-- ladder goes up and a snake down, one jump a square, and no jump ends where another starts.
local function read_jumps(size, ladders, snakes)
  local jumps = {}
  local function add(kind, from, to)
    if math.type(from) ~= "integer" or math.type(to) ~= "integer" then
      error(string.format("%s %s -> %s: squares must be whole numbers", kind, tostring(from), tostring(to)), 5)
    end
    if from < 1 or from >= size or to < 1 or to > size then
      error(string.format("%s %d -> %d: must start on 1..%d and end on 1..%d", kind, from, to, size - 1, size), 5)
    end
    if kind == "ladder" and to <= from then error(string.format("ladder %d -> %d goes down", from, to), 5) end
    if kind == "snake" and to >= from then error(string.format("snake %d -> %d goes up", from, to), 5) end
    if jumps[from] then error(string.format("square %d has two jumps", from), 5) end
    jumps[from] = { to = to, kind = kind }
  end
  for from, to in pairs(ladders or {}) do add("ladder", from, to) end
  for from, to in pairs(snakes or {}) do add("snake", from, to) end
  for from, j in pairs(jumps) do
    if jumps[j.to] then
      error(string.format("%s %d -> %d ends where a %s starts", j.kind, from, j.to, jumps[j.to].kind), 4)
    end
  end
  return jumps
end

local function read_board(opts)
  if type(opts) ~= "table" then error("options must be a table", 3) end
  local size = opts.size
  if math.type(size) ~= "integer" or size < 2 then
    error("size must be a whole number of squares, at least 2 (got " .. tostring(size) .. ")", 3)
  end
  local finish = opts.finish or "exact"
  if not FINISHES[finish] then error('finish must be "exact" or "bounce" (got ' .. tostring(finish) .. ")", 3) end
  return { size = size, finish = finish, jumps = read_jumps(size, opts.ladders, opts.snakes) }
end

-- Where a roll of d from square s ends, by the board's rules alone (no turn rules):
-- the square, the jump taken ("ladder", "snake" or nil) and how the finish treated an overshoot.
local function step(board, s, d)
  local to, blocked, bounced = s + d, nil, nil
  if to > board.size then
    if board.finish == "bounce" then
      to, bounced = 2 * board.size - to, true
    else
      to, blocked = s, true
    end
  end
  local j = board.jumps[to]
  if j then return j.to, j.kind, blocked, bounced end
  return to, nil, blocked, bounced
end

local Game = {}
Game.__index = Game

--- M.new(opts): a game. opts: size, ladders, snakes, finish ("exact" | "bounce"), players
--- (default 2), dice (a function returning the next roll, 1..6), extra_turn_on_six,
--- three_sixes_forfeit (needs extra_turn_on_six).
function M.new(opts)
  local board = read_board(opts)
  local players = opts.players or 2
  if math.type(players) ~= "integer" or players < 1 then
    error("players must be a whole number, at least 1 (got " .. tostring(players) .. ")", 2)
  end
  if type(opts.dice) ~= "function" then error("dice must be a function returning the next roll", 2) end
  if opts.three_sixes_forfeit and not opts.extra_turn_on_six then
    error("three_sixes_forfeit needs extra_turn_on_six", 2)
  end
  local pos = {}
  for p = 1, players do pos[p] = 0 end
  return setmetatable({
    board = board, dice = opts.dice, pos = pos, players = players, turn = 1,
    extra = opts.extra_turn_on_six or false, forfeit = opts.three_sixes_forfeit or false,
    sixes = 0, turn_start = 0,
  }, Game)
end

function Game:current() return self.turn end

function Game:position(p)
  if self.pos[p] == nil then error("no player " .. tostring(p), 2) end
  return self.pos[p]
end

function Game:winner() return self.won end

-- The turn passes to the next player; a new turn starts from where that player stands.
function Game:pass()
  self.turn = self.turn % self.players + 1
  self.sixes, self.turn_start = 0, self.pos[self.turn]
end

--- game:roll(): plays one roll of the player whose turn it is and returns what happened:
--- { player, roll, from, to, jump, blocked, bounced, extra, forfeit, won }.
function Game:roll()
  if self.won then error("the game is over: player " .. self.won .. " won", 2) end
  local d = self.dice()
  if math.type(d) ~= "integer" or d < 1 or d > 6 then
    error("dice must return a whole number 1..6 (got " .. tostring(d) .. ")", 2)
  end
  local p, from = self.turn, self.pos[self.turn]
  if self.sixes == 0 then self.turn_start = from end
  local move = { player = p, roll = d, from = from }
  if d == 6 then self.sixes = self.sixes + 1 end
  if self.forfeit and self.sixes == 3 then
    -- The third six in a row undoes the whole turn, even a winning roll.
    move.to, move.forfeit = self.turn_start, true
    self.pos[p] = self.turn_start
    self:pass()
    return move
  end
  local to, jump, blocked, bounced = step(self.board, from, d)
  move.to, move.jump, move.blocked, move.bounced = to, jump, blocked, bounced
  self.pos[p] = to
  if to == self.board.size then
    move.won, self.won = true, p
  elseif self.extra and d == 6 then
    move.extra = true
  else
    self:pass()
  end
  return move
end

--- game:play(): rolls until a player wins; returns the winner and the number of rolls played.
function Game:play()
  local rolls = 0
  while not self.won do
    self:roll()
    rolls = rolls + 1
  end
  return self.won, rolls
end

--- M.expected_rolls(opts): the expected number of rolls a lone player needs to finish, from
--- square 0, on the board described by opts (size, ladders, snakes, finish). Turn rules do not
--- enter: an extra roll on a six changes who rolls next, not how many rolls one player needs.
--- E[s] = 1 + (1/6) * sum over d of E[step(s, d)], E[size] = 0, solved by Gauss-Seidel sweeps
--- until no value moves by more than 1e-12.
function M.expected_rolls(opts)
  local board = read_board(opts)
  local e = {}
  for s = 0, board.size do e[s] = 0 end
  for _ = 1, 100000 do
    local change = 0
    for s = 0, board.size - 1 do
      if not board.jumps[s] then -- a player never stands on a jump's start
        local v = 1
        for d = 1, 6 do v = v + e[(step(board, s, d))] / 6 end
        change = math.max(change, math.abs(v - e[s]))
        e[s] = v
      end
    end
    if change < 1e-12 then break end
  end
  return e[0]
end

return M
