return {
  title = "Splitwise",
  difficulty = "medium",
  track = "lld",
  summary = "Shared expenses: equal, exact and percent splits, the fewest transfers to settle, undo and redo",
  patterns = { "strategy", "command" },
  reference = "models/lld/splitwise.lua",
  tasks = {
    { title = "Expenses and balances", hints = {
      "Keep money in whole cents: every split then adds up exactly.",
      "One function per split kind, each turning an expense into what each participant owes: a table of strategies.",
      "Leftover cents go one each to the first participants (equal: in the among order; percent: in member order).",
    } },
    { title = "Settle up with the fewest transfers", hints = {
      "A group of k people whose balances sum to zero settles in k - 1 transfers; you cannot do better.",
      "So the fewest transfers is n minus the largest number of disjoint zero-sum groups.",
      "A dynamic programme over subsets: best[mask] = max over members i of best[mask - i], plus one when mask sums to zero.",
    } },
    { title = "History: undo and redo", hints = {
      "Make every change an object that knows how to apply itself and how to revert itself: a command.",
      "Two stacks: done and undone. Undo moves the top of done to undone; redo moves it back.",
      "A new change empties the undone stack.",
    } },
  },
}
