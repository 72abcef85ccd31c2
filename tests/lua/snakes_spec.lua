-- snakes_spec: dk.snakes from Lua: the Milton Bradley board's published expected length, an
-- independent value iteration in Lua, Monte Carlo, games and their logs, bad boards.
local dk = require "designkit"

local MB = {
  size = 100,
  ladders = { [1] = 38, [4] = 14, [9] = 31, [21] = 42, [28] = 84, [36] = 44, [51] = 67, [71] = 91,
              [80] = 100 },
  snakes = { [16] = 6, [47] = 26, [49] = 11, [56] = 53, [62] = 19, [64] = 60, [87] = 24, [93] = 73,
             [95] = 75, [98] = 78 },
}

local function board(extra)
  local opts = { size = MB.size, ladders = MB.ladders, snakes = MB.snakes }
  for k, v in pairs(extra or {}) do opts[k] = v end
  return dk.snakes.board(opts)
end

-- Expected rolls by Gauss-Seidel sweeps of E[s] = 1 + mean_d E[next(s, d)], written here from
-- the rules (no extra-roll rules: they do not change a lone player's count of rolls).
local function reference(opts)
  local size, die = opts.size, opts.die or 6
  local jump = {}
  for f, t in pairs(opts.ladders or {}) do jump[f] = t end
  for f, t in pairs(opts.snakes or {}) do jump[f] = t end
  local function move(s, d)
    local t = s + d
    if t > size then
      if opts.finish == "bounce" then t = 2 * size - t
      elseif opts.finish == "overshoot" then t = size
      else t = s end
    end
    while jump[t] do t = jump[t] end
    return t
  end
  local e = {}
  for s = 0, size do e[s] = 0 end
  for _ = 1, 100000 do
    local change = 0
    for s = 0, size - 1 do
      local v = 1
      for d = 1, die do v = v + e[move(s, d)] / die end
      change = math.max(change, math.abs(v - e[s]))
      e[s] = v
    end
    if change < 1e-11 then break end
  end
  return e[0]
end

describe("dk.snakes", function()
  it("gives the Milton Bradley board its published 39.2251 rolls", function()
    local b = board { finish = "exact" }
    local x = b:expected_length()
    expect(string.format("%.4f", x)):to_be("39.2251")
    expect(x):to_be_near(reference { size = 100, ladders = MB.ladders, snakes = MB.snakes }, 1e-9)
  end)

  it("agrees with Monte Carlo within its 95% interval", function()
    local b = board()
    local est = b:simulate { games = 50000, seed = 2 }
    local x = b:expected_length()
    expect(est.games):to_be(50000)
    expect(est.ci95[1] <= x and x <= est.ci95[2]):to_be(true)
    expect(est.mean):to_be_near(x, 0.02)
  end)

  it("knows the bounce and overshoot finishes", function()
    for _, finish in ipairs { "bounce", "overshoot" } do
      local want = reference { size = 100, ladders = MB.ladders, snakes = MB.snakes, finish = finish }
      expect(board { finish = finish }:expected_length()):to_be_near(want, 1e-9)
    end
    expect(board { finish = "overshoot" }:expected_length() < board():expected_length()):to_be(true)
  end)

  it("plays seeded games to a full ranking with a move log", function()
    local b = board()
    local g = b:play { players = 4, seed = 1 }
    expect(#g.ranking):to_be(4)
    expect(#g.log):to_be(g.rolls)
    local seen = {}
    for _, p in ipairs(g.ranking) do seen[p] = true end
    expect(seen[1] and seen[2] and seen[3] and seen[4]):to_be(true)
    for _, m in ipairs(g.log) do
      expect(m.roll >= 1 and m.roll <= 6):to_be(true)
      expect(b:follow(m.landed)):to_be(m.to)
    end
    expect(b:play { players = 4, seed = 1 }):to_equal(g) -- the same seed, the same game
    expect(g.log[#g.log].finished):to_be(true)
  end)

  it("plays scripted dice with the extra-roll and three-sixes rules, and names players", function()
    local b = dk.snakes.board { size = 30, ladders = { [3] = 12 }, snakes = { [15] = 2 },
                                extra_turn_on_six = true, three_sixes_forfeit = true }
    local g = b:play { players = { "ann", "bob" }, dice = { 3, 1, 6, 6, 6, 2, 6, 4, 3, 6, 2 } }
    local log = g.log
    expect(#log):to_be(11)
    expect(log[1]):to_equal({ turn = 1, player = "ann", roll = 3, from = 0, landed = 3, to = 12, ladder = true })
    expect(log[2].player):to_be("bob")
    expect(log[3]):to_equal({ turn = 3, player = "ann", roll = 6, from = 12, landed = 18, to = 18, extra = true })
    -- the third six in a row would have won: it forfeits the turn instead
    expect(log[5]):to_equal({ turn = 3, player = "ann", roll = 6, from = 24, landed = 30, to = 12, forfeit = true })
    expect(log[6]):to_equal({ turn = 4, player = "bob", roll = 2, from = 1, landed = 3, to = 12, ladder = true })
    expect(log[8]):to_equal({ turn = 5, player = "ann", roll = 4, from = 18, landed = 22, to = 22 })
    expect(log[9]):to_equal({ turn = 6, player = "bob", roll = 3, from = 12, landed = 15, to = 2, snake = true })
    expect(log[11]):to_equal({ turn = 7, player = "ann", roll = 2, from = 28, landed = 30, to = 30, finished = true })
    expect(g.ranking):to_equal({ "ann", "bob" })
    expect(function() b:play { players = { "ann", "bob" }, dice = { 3, 1 } } end)
      :to_fail("snakes_spec.lua:%d+: dice: the scripted rolls ran out after 2 rolls")
  end)

  it("refuses bad boards and options at the caller's line", function()
    expect(function() dk.snakes.board { size = 0 } end)
      :to_fail("snakes_spec.lua:%d+: board: size must be between 2 and 1000 squares %(got 0%)")
    expect(function() dk.snakes.board { size = -5 } end):to_fail("(got -5)")
    expect(function() dk.snakes.board { size = 10, snakes = { [10] = 2 } } end)
      :to_fail("snakes_spec.lua:%d+: board: snake 10 %-> 2 starts on the last square")
    expect(function() dk.snakes.board { size = 10, ladders = { [5] = 2 } } end)
      :to_fail("board: ladder 5 -> 2 goes down")
    expect(function() dk.snakes.board { size = 10, ladders = { [2] = 8 }, snakes = { [2] = 1 } } end)
      :to_fail("a jump already starts on square 2")
    expect(function() dk.snakes.board { size = 20, ladders = { [2] = 8 }, snakes = { [8] = 2 } } end)
      :to_fail("board: jumps form a cycle")
    expect(function() dk.snakes.board { size = 10, snakes = { [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, [9] = 1 } } end)
      :to_fail("board: the finish cannot be reached from the start")
    expect(function() dk.snakes.board { size = 10, finish = "exakt" } end)
      :to_fail('board: unknown finish "exakt"; did you mean "exact"?')
    expect(function() dk.snakes.board { size = 10, ladder = { [2] = 5 } } end)
      :to_fail('board: unknown option "ladder"; did you mean "ladders"?')
    expect(function() dk.snakes.board { size = 10, ladders = { [2.5] = 5 } } end)
      :to_fail("a key must be a square number")
    expect(function() dk.snakes.board { size = 10, three_sixes_forfeit = true } end)
      :to_fail("three_sixes_forfeit needs extra_turn_on_six")
    expect(function() dk.snakes.board {} end):to_fail("board: size is missing")
    local b = board()
    expect(function() b:play { players = 0 } end)
      :to_fail("snakes_spec.lua:%d+: game: players must be 1 to 64 %(got 0%)")
    expect(function() b:play { players = 2, dice = { 1, 7 } } end):to_fail("dice: roll 2 must be 1 to 6 (got 7)")
    expect(function() b:play { players = 2, max_rolls = 5 } end):to_fail("game: not over after 5 rolls")
    expect(function() b:simulate { games = 1 } end):to_fail("simulate: games must be a whole number from 2")
    expect(function() b:play { players = 2, sead = 1 } end):to_fail('play: unknown option "sead"; did you mean "seed"?')
    b:close()
    expect(function() b:expected_length() end):to_fail("board is closed")
  end)
end)

describe("the snakes annotations", function()
  it("cover every function and method", function()
    local f = assert(io.open("bindings/lua/meta/designkit.lua", "r"))
    local meta = f:read("a")
    f:close()
    for name in pairs(dk.snakes) do
      expect(meta:find("function dk.snakes." .. name .. "(", 1, true) ~= nil and name or "missing " .. name):to_be(name)
    end
    for name in pairs(getmetatable(board()).__index) do
      expect(meta:find("function SnakesBoard:" .. name .. "(", 1, true) ~= nil and name or "missing " .. name):to_be(name)
    end
  end)
end)
