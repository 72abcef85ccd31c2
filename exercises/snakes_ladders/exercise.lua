return {
  title = "Snakes and ladders engine",
  difficulty = "easy",
  track = "lld",
  summary = "A snakes-and-ladders engine with rule variants, injected dice and the expected game length",
  patterns = { "strategy", "dependency injection" },
  reference = "models/lld/snakes_ladders.lua",
  tasks = {
    { title = "Moves, jumps and turns", hints = {
      "Keep the board as data: one map from a jump's start square to { to =, kind = }.",
      "A roll: from + d; past the last square the player stays put; then at most one jump.",
      "Check the board in new(): every message names the option or the jump (\"ladder 5 -> 2 goes down\").",
    } },
    { title = "Variants: bounce, extra roll, three sixes", hints = {
      "Bounce: a roll to size + k lands on size - k.",
      "Count the sixes of the current turn and remember the square the turn began on.",
      "The forfeit check comes before the move: the third six never moves the player forward.",
    } },
    { title = "The expected length of a game", hints = {
      "E[s] = 1 + (1/6) * sum over d of E[next(s, d)], with E[size] = 0.",
      "Sweep the squares again and again, updating in place (Gauss-Seidel), until nothing moves by more than 1e-12.",
      "Extra rolls do not change how many rolls a lone player needs: leave the turn rules out.",
    } },
  },
}
