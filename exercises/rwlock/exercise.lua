return {
  title = "Reader-writer lock without writer starvation",
  difficulty = "hard",
  track = "lld",
  summary = "Many readers or one writer, and a waiting writer goes before later readers; checked by dk.explore on every schedule",
  patterns = { "monitor" },
  reference = "models/lld/rwlock.lua",
  tasks = {
    {
      title = "Many readers or one writer",
      hints = {
        "One sys.mutex guards two cells: how many readers are inside, and whether a writer is.",
        "read_lock waits while a writer is inside; write_lock waits while anyone is inside; each wait is a `while` loop on a condition.",
        "The last reader out must wake a writer, and a writer leaving must wake everyone who waits (broadcast the readers).",
      },
    },
    {
      title = "No writer starvation",
      hints = {
        "A reader must not walk in just because no writer is inside: a writer may be waiting.",
        "Count the waiting writers in a third cell: write_lock adds itself before it waits, and takes itself off when it enters.",
        "read_lock waits while a writer is inside OR a writer is waiting; write_unlock signals the next writer and broadcasts to the readers, who look again.",
      },
    },
  },
}
