-- Run with: designkit examples/snakes.lua
-- The Milton Bradley snakes-and-ladders board: the expected length of a game, exactly (an
-- absorbing Markov chain) and by Monte Carlo, under each finish rule; then a game of four.
local dk = require "designkit"

local ladders = { [1] = 38, [4] = 14, [9] = 31, [21] = 42, [28] = 84, [36] = 44, [51] = 67, [71] = 91, [80] = 100 }
local snakes = { [16] = 6, [47] = 26, [49] = 11, [56] = 53, [62] = 19, [64] = 60, [87] = 24, [93] = 73,
                 [95] = 75, [98] = 78 }

print("finish      exact   Monte Carlo (95% interval)")
for _, finish in ipairs { "exact", "bounce", "overshoot" } do
  local board = dk.snakes.board { size = 100, ladders = ladders, snakes = snakes, finish = finish }
  local mc = board:simulate { games = 20000, seed = 1 }
  print(string.format("%-9s %7.4f   %7.4f [%.4f, %.4f]", finish, board:expected_length(), mc.mean,
                      mc.ci95[1], mc.ci95[2]))
end

local board = dk.snakes.board { size = 100, ladders = ladders, snakes = snakes, finish = "exact",
                                extra_turn_on_six = true, three_sixes_forfeit = true }
local game = board:play { players = { "ann", "bob", "cy", "dee" }, seed = 1 }
print(string.format("\n%s: a game of four took %d rolls; ranking %s", tostring(board), game.rolls,
                    table.concat(game.ranking, ", ")))
for i = 1, 6 do
  local m = game.log[i]
  print(string.format("  turn %d  %-3s rolls %d: %2d -> %2d%s", m.turn, m.player, m.roll, m.from, m.to,
                      m.ladder and " (ladder)" or m.snake and " (snake)" or m.extra and " (again)" or ""))
end
