return {
  title = "LFU cache",
  difficulty = "medium",
  track = "lld",
  summary = "A least-frequently-used cache with an LRU tie-break, every operation O(1) with frequency buckets",
  patterns = { "strategy" },
  reference = "models/lld/lfu_cache.lua",
  tasks = {
    {
      title = "Store, fetch and count",
      hints = {
        "Map each key to a record { value, freq }; put of a new key starts freq at 1.",
        "Both get and put of a stored key add one to its frequency; a get of a missing key changes nothing.",
      },
    },
    {
      title = "Evict the least frequently used",
      hints = {
        "The victim has the smallest frequency; among those, the one accessed longest ago.",
        "A scan over the entries is fine for this task; task 3 asks for O(1).",
        "A key that comes back after being evicted starts again at frequency 1.",
      },
    },
    {
      title = "O(1) with frequency buckets",
      hints = {
        "Group the entries by frequency: one bucket per frequency, each a list with the most recent entry at the front.",
        "Keep the buckets in a list sorted by frequency; an access moves an entry to the bucket f + 1, right after its own (create it if the next bucket is not f + 1).",
        "Unlink a bucket as soon as it is empty: the first bucket is then always the least frequent, even after delete, and its back is the victim.",
      },
    },
  },
}
