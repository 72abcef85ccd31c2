return {
  title = "LRU cache",
  difficulty = "easy",
  track = "lld",
  summary = "A least-recently-used cache in O(1), then a decorator that caches any repository",
  patterns = { "decorator", "strategy" },
  reference = "models/lld/lru_cache.lua",
  tasks = {
    {
      title = "Store and fetch",
      hints = {
        "Start with a plain table from key to value and a counter for len(); check capacity first.",
        "Raise with error(message, 2) so the message points at the caller's line, and name the argument.",
      },
    },
    {
      title = "Evict the least recently used",
      hints = {
        "You need the recency order of the keys and O(1) moves: a doubly linked list of nodes.",
        "Keep the table but map each key to its list node; get and put move the node to the front.",
        "A sentinel node linked to itself (ring.next = MRU, ring.prev = LRU) removes the edge cases.",
      },
    },
    {
      title = "Cache a repository (decorator)",
      hints = {
        "CachedRepository has the same load(id) method as the repository it wraps.",
        "load asks the cache first; only a miss calls repo:load(id), and a non-nil result is put in the cache.",
        "Use only cache:get, cache:put and cache:delete, so any cache (LRU, LFU, a plain table) can be plugged in.",
      },
    },
  },
}
