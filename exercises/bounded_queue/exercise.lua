return {
  title = "Bounded blocking queue",
  difficulty = "hard",
  track = "lld",
  summary = "A bounded blocking queue on a mutex and condition variables, checked by dk.explore on every schedule and by real threads",
  patterns = { "monitor", "producer-consumer" },
  reference = "models/lld/bounded_queue.lua",
  tasks = {
    {
      title = "Put and take in order",
      hints = {
        "Keep the values in a ring of `capacity` cells with two more cells: the index of the oldest value and the count.",
        "Every operation takes sys.mutex first and gives it back last; a full queue waits on a condition (cond:wait(lock)).",
        "Check the capacity in new: math.type(capacity) == \"integer\" and capacity >= 1, else error(\"... capacity ...\", 2).",
      },
    },
    {
      title = "Block correctly under every schedule",
      hints = {
        "A woken thread must look again before it goes on: `while full do not_full:wait(lock) end`, never `if`.",
        "With one condition for both sides, a consumer's signal can wake another consumer instead of the producer that waits: use two, not_full and not_empty.",
        "put signals not_empty and take signals not_full, each before it unlocks.",
      },
    },
    {
      title = "Real threads",
      hints = {
        "Each real thread runs new() again and gets the same shared objects back: new must only make objects, always the same ones, in the same order.",
        "Nothing in a plain Lua field is shared between real threads: every value a thread changes lives in a sys.cell.",
      },
    },
  },
}
