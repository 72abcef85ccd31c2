-- Snakes and ladders: your solution. Replace every error("not implemented ...") with code.
local M = {}

local Game = {}
Game.__index = Game

--- M.new(opts): a game. opts: size, ladders, snakes, finish ("exact" | "bounce"), players
--- (default 2), dice (a function returning the next roll, 1..6), extra_turn_on_six,
--- three_sixes_forfeit.
function M.new(opts)
  error("not implemented: new", 2)
end

--- game:current(): the player whose turn it is (1..players).
function Game:current()
  error("not implemented: Game:current", 2)
end

--- game:position(p): player p's square (0 before the first move).
function Game:position(p)
  error("not implemented: Game:position", 2)
end

--- game:winner(): the player who reached the last square, or nil.
function Game:winner()
  error("not implemented: Game:winner", 2)
end

--- game:roll(): plays one roll; returns { player, roll, from, to, jump, blocked, bounced, extra,
--- forfeit, won }.
function Game:roll()
  error("not implemented: Game:roll", 2)
end

--- game:play(): rolls until someone wins; returns the winner and the number of rolls.
function Game:play()
  error("not implemented: Game:play", 2)
end

--- M.expected_rolls(opts): the expected number of rolls of a lone player on this board.
function M.expected_rolls(opts)
  error("not implemented: expected_rolls", 2)
end

return M
