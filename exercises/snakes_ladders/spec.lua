-- Tests of the snakes_ladders exercise. Games are driven by scripted dice and checked move by
-- move against positions worked out by hand; the expected length is checked against a value
-- iteration written here, and the engine's own games against it by Monte Carlo (seeded).

-- Dice that return the given rolls in order, and raise once they run out (a game that rolls
-- more often than the script allows has a bug: the message says so).
local function scripted(rolls)
  local i = 0
  return function()
    i = i + 1
    if rolls[i] == nil then error("the test's scripted dice ran out after " .. #rolls .. " rolls", 2) end
    return rolls[i]
  end
end

-- The fields of a move record the tests compare (others, if any, are ignored).
local function brief(m)
  if type(m) ~= "table" then return m end
  return { player = m.player, roll = m.roll, from = m.from, to = m.to, jump = m.jump,
           blocked = m.blocked or nil, bounced = m.bounced or nil, extra = m.extra or nil,
           forfeit = m.forfeit or nil, won = m.won or nil }
end

local function game(opts)
  return solution().new(opts)
end

local MB = {
  size = 100,
  ladders = { [1] = 38, [4] = 14, [9] = 31, [21] = 42, [28] = 84, [36] = 44, [51] = 67, [71] = 91,
              [80] = 100 },
  snakes = { [16] = 6, [47] = 26, [49] = 11, [56] = 53, [62] = 19, [64] = 60, [87] = 24, [93] = 73,
             [95] = 75, [98] = 78 },
}

local function with(base, extra)
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  for k, v in pairs(extra) do t[k] = v end
  return t
end

-- Expected rolls of a lone player from square 0: Gauss-Seidel sweeps of
-- E[s] = 1 + (1/6) sum_d E[next(s, d)], written here from the statement's rules.
local function value_iteration(opts)
  local size = opts.size
  local jump = {}
  for f, t in pairs(opts.ladders or {}) do jump[f] = t end
  for f, t in pairs(opts.snakes or {}) do jump[f] = t end
  local function next_square(s, d)
    local t = s + d
    if t > size then t = opts.finish == "bounce" and 2 * size - t or s end
    return jump[t] or t
  end
  local e = {}
  for s = 0, size do e[s] = 0 end
  for _ = 1, 100000 do
    local change = 0
    for s = 0, size - 1 do
      local v = 1
      for d = 1, 6 do v = v + e[next_square(s, d)] / 6 end
      change = math.max(change, math.abs(v - e[s]))
      e[s] = v
    end
    if change < 1e-12 then break end
  end
  return e[0]
end

-- Plays `n` lone-player games with math.random dice (seeded) and returns the mean number of
-- rolls and its standard error.
local function monte_carlo(opts, n, seed)
  math.randomseed(seed)
  local sum, sumsq = 0, 0
  local dice = function() return math.random(6) end
  for _ = 1, n do
    local g = game(with(opts, { players = 1, dice = dice }))
    local winner, rolls = g:play()
    expect(winner, "play() of a lone player's game"):to_be(1)
    sum, sumsq = sum + rolls, sumsq + rolls * rolls
  end
  local mean = sum / n
  local var = (sumsq - n * mean * mean) / (n - 1)
  return mean, math.sqrt(var / n)
end

task("Moves, jumps and turns", function()
  it("players take turns, starting on square 0 and moving by the roll", function()
    local g = game { size = 20, players = 2, dice = scripted { 3, 4, 2 } }
    expect(g:current(), "current() before any roll"):to_be(1)
    expect(g:position(1), "position(1) before any roll"):to_be(0)
    expect(brief(g:roll()), "first roll (3)"):to_equal({ player = 1, roll = 3, from = 0, to = 3 })
    expect(g:current(), "current() after player 1 rolled a 3"):to_be(2)
    expect(brief(g:roll()), "second roll (4)"):to_equal({ player = 2, roll = 4, from = 0, to = 4 })
    expect(brief(g:roll()), "third roll (2)"):to_equal({ player = 1, roll = 2, from = 3, to = 5 })
    expect({ g:position(1), g:position(2) }, "positions after rolls 3, 4, 2"):to_equal({ 5, 4 })
    expect(g:winner(), "winner() while nobody has finished"):to_be(nil)
  end)

  it("a ladder climbs and a snake slides, and the move names the jump", function()
    local g = game { size = 30, ladders = { [3] = 12 }, snakes = { [15] = 2 }, dice = scripted { 3, 5, 3 } }
    expect(brief(g:roll()), "player 1 rolls 3 onto the ladder 3 -> 12")
      :to_equal({ player = 1, roll = 3, from = 0, to = 12, jump = "ladder" })
    g:roll()
    expect(brief(g:roll()), "player 1 rolls 3 from 12 onto the snake 15 -> 2")
      :to_equal({ player = 1, roll = 3, from = 12, to = 2, jump = "snake" })
  end)

  it("exact finish: a roll past the last square leaves the player put; landing on it wins", function()
    local g = game { size = 10, players = 1, dice = scripted { 6, 3, 4, 1 } }
    g:roll(); g:roll()
    expect(brief(g:roll()), "at 9 of 10, a 4 overshoots")
      :to_equal({ player = 1, roll = 4, from = 9, to = 9, blocked = true })
    expect(brief(g:roll()), "at 9 of 10, a 1 lands on the last square")
      :to_equal({ player = 1, roll = 1, from = 9, to = 10, won = true })
    expect(g:winner(), "winner() after player 1 reached 10"):to_be(1)
    expect(function() g:roll() end, "roll() once the game is won"):to_fail("over")
  end)

  it("play() rolls until someone wins and returns the winner and the number of rolls", function()
    local g = game { size = 10, players = 2, ladders = { [8] = 9 }, dice = scripted { 4, 5, 4, 5 } }
    -- 1: 0 -> 4; 2: 0 -> 5; 1: 4 -> 8 -> 9 (ladder); 2: 5 -> 10 wins.
    local winner, rolls = g:play()
    expect({ winner, rolls }, "play() with rolls 4, 5, 4, 5 on a 10-square board"):to_equal({ 2, 4 })
    expect({ g:position(1), g:position(2) }, "positions at the end"):to_equal({ 9, 10 })
  end)

  it("new refuses a bad board or bad options, naming what is wrong", function()
    local d = scripted {}
    local cases = {
      { { size = 1, dice = d }, "size" },
      { { size = 10.5, dice = d }, "size" },
      { { size = 10, ladders = { [5] = 2 }, dice = d }, "ladder 5 -> 2" },
      { { size = 10, snakes = { [3] = 8 }, dice = d }, "snake 3 -> 8" },
      { { size = 10, snakes = { [10] = 2 }, dice = d }, "snake 10 -> 2" },
      { { size = 10, ladders = { [4] = 12 }, dice = d }, "ladder 4 -> 12" },
      { { size = 10, ladders = { [2] = 5 }, snakes = { [5] = 1 }, dice = d }, "ends where" },
      { { size = 10, finish = "exakt", dice = d }, "finish" },
      { { size = 10, players = 0, dice = d }, "players" },
      { { size = 10 }, "dice" },
    }
    for i, c in ipairs(cases) do
      expect(function() game(c[1]) end, "case " .. i .. " (expects " .. c[2] .. ")"):to_fail(c[2])
    end
  end)
end)

task("Variants: bounce, extra roll, three sixes", function()
  it("bounce finish walks back the squares left over, and may land on a snake", function()
    local g = game { size = 10, players = 1, finish = "bounce", snakes = { [9] = 3 }, dice = scripted { 6, 1, 5, 1, 4 } }
    g:roll(); g:roll()                                    -- 0 -> 6 -> 7
    expect(brief(g:roll()), "at 7 of 10, a 5 bounces back to 8")
      :to_equal({ player = 1, roll = 5, from = 7, to = 8, bounced = true })
    g:roll()                                              -- 8 -> 9 -> snake -> 3
    expect(g:position(1), "after landing on the snake 9 -> 3"):to_be(3)
    local g2 = game { size = 10, players = 1, finish = "bounce", snakes = { [9] = 3 }, dice = scripted { 6, 1, 4 } }
    g2:roll(); g2:roll()
    expect(brief(g2:roll()), "at 7 of 10, a 4 bounces to 9, onto the snake 9 -> 3")
      :to_equal({ player = 1, roll = 4, from = 7, to = 3, bounced = true, jump = "snake" })
  end)

  it("extra roll on a six: the same player rolls again while sixes come", function()
    local g = game { size = 50, players = 2, extra_turn_on_six = true, dice = scripted { 6, 6, 2, 3 } }
    expect(brief(g:roll()), "player 1's first six"):to_equal({ player = 1, roll = 6, from = 0, to = 6, extra = true })
    expect(g:current(), "current() after a six"):to_be(1)
    expect(brief(g:roll()), "player 1's second six"):to_equal({ player = 1, roll = 6, from = 6, to = 12, extra = true })
    expect(brief(g:roll()), "player 1's 2 ends the turn"):to_equal({ player = 1, roll = 2, from = 12, to = 14 })
    expect(brief(g:roll()), "then player 2"):to_equal({ player = 2, roll = 3, from = 0, to = 3 })
    local plain = game { size = 50, players = 2, dice = scripted { 6, 1 } }
    plain:roll()
    expect(plain:current(), "without extra_turn_on_six, a six passes the turn"):to_be(2)
  end)

  it("three sixes in a row forfeit the turn: back to the square where it began", function()
    local g = game { size = 50, players = 2, extra_turn_on_six = true, three_sixes_forfeit = true,
                     dice = scripted { 2, 1, 6, 6, 6, 3 } }
    g:roll(); g:roll()                                    -- 1: 0 -> 2; 2: 0 -> 1
    g:roll(); g:roll()                                    -- 1: 2 -> 8 -> 14
    expect(brief(g:roll()), "player 1's third six in a row")
      :to_equal({ player = 1, roll = 6, from = 14, to = 2, forfeit = true })
    expect(g:position(1), "player 1 after the forfeit"):to_be(2)
    expect(g:current(), "current() after a forfeit"):to_be(2)
    expect(brief(g:roll()), "player 2 rolls next"):to_equal({ player = 2, roll = 3, from = 1, to = 4 })
  end)

  it("the third six forfeits even a winning roll; a new turn counts sixes from zero", function()
    local g = game { size = 20, players = 1, extra_turn_on_six = true, three_sixes_forfeit = true,
                     dice = scripted { 2, 6, 6, 6, 6, 6, 1 } }
    g:roll(); g:roll(); g:roll()                          -- 0 -> 2 | 2 -> 8 -> 14
    expect(brief(g:roll()), "a third six that would reach 20")
      :to_equal({ player = 1, roll = 6, from = 14, to = 2, forfeit = true })
    expect(g:winner(), "winner() after the forfeited winning roll"):to_be(nil)
    expect(brief(g:roll()), "the next turn's first six")
      :to_equal({ player = 1, roll = 6, from = 2, to = 8, extra = true })
    expect(brief(g:roll()), "its second six"):to_equal({ player = 1, roll = 6, from = 8, to = 14, extra = true })
    expect(brief(g:roll()), "a 1 ends the turn without a forfeit"):to_equal({ player = 1, roll = 1, from = 14, to = 15 })
  end)

  it("a roll outside 1..6 and a forfeit rule without extra rolls are refused", function()
    local g = game { size = 20, dice = scripted { 7 } }
    expect(function() g:roll() end, "dice returning 7"):to_fail("dice")
    local g0 = game { size = 20, dice = scripted { 0 } }
    expect(function() g0:roll() end, "dice returning 0"):to_fail("dice")
    expect(function() game { size = 20, three_sixes_forfeit = true, dice = scripted {} } end,
      "three_sixes_forfeit without extra_turn_on_six"):to_fail("extra_turn_on_six")
  end)
end)

task("The expected length of a game", function()
  it("expected_rolls of small boards equals a value iteration", function()
    local boards = {
      { size = 10 },
      { size = 10, finish = "bounce" },
      { size = 30, ladders = { [3] = 12, [20] = 27 }, snakes = { [15] = 2, [29] = 5 } },
      { size = 30, ladders = { [3] = 12, [20] = 27 }, snakes = { [15] = 2, [29] = 5 }, finish = "bounce" },
    }
    for i, b in ipairs(boards) do
      expect(solution().expected_rolls(b), "expected_rolls of board " .. i):to_be_near(value_iteration(b), 1e-9)
    end
  end)

  it("expected_rolls of the Milton Bradley board: exact and bounce finish", function()
    local exact = value_iteration(MB)
    expect(exact, "the spec's own value iteration (published: 39.2251)"):to_be_near(39.2251, 1e-5)
    expect(solution().expected_rolls(MB), "expected_rolls, exact finish"):to_be_near(exact, 1e-9)
    local bounce = with(MB, { finish = "bounce" })
    expect(solution().expected_rolls(bounce), "expected_rolls, bounce finish"):to_be_near(value_iteration(bounce), 1e-9)
  end)

  it("2000 seeded games on the Milton Bradley board last as long as expected (exact finish)", function()
    local mean, se = monte_carlo(MB, 2000, 7)
    local want = value_iteration(MB)
    expect(math.abs(mean - want), string.format("|mean %.3f - expected %.3f| over 4 standard errors (%.3f)",
      mean, want, 4 * se)):to_be_less_than(4 * se)
  end, { instructions = 1e9, timeout = 90 })

  it("2000 seeded games with bounce and extra rolls last as long as a value iteration says", function()
    -- An extra roll on a six changes who rolls next, not how many rolls a lone player needs.
    local opts = with(MB, { finish = "bounce", extra_turn_on_six = true })
    local mean, se = monte_carlo(opts, 2000, 8)
    local want = value_iteration(opts)
    expect(math.abs(mean - want), string.format("|mean %.3f - expected %.3f| over 4 standard errors (%.3f)",
      mean, want, 4 * se)):to_be_less_than(4 * se)
  end, { instructions = 1e9, timeout = 90 })
end)
