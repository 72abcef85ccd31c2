return {
  title = "Rate limiter",
  difficulty = "medium",
  track = "lld",
  summary = "Token bucket and sliding-window counter on an injected clock, then per-key limiters whose idle keys expire",
  patterns = { "strategy", "factory" },
  reference = "models/lld/rate_limiter.lua",
  tasks = {
    {
      title = "Token bucket",
      hints = {
        "Keep the token count and the time of the last call; refill lazily: tokens = min(burst, tokens + (now - last) * rate).",
        "The bucket starts full. A rejected request takes no tokens.",
        "Floats: 0.8 + 0.2 may be 0.9999999999999999; compare with the 1e-9 slack the statement gives.",
      },
    },
    {
      title = "Sliding-window counter",
      hints = {
        "Count requests in fixed windows [k*w, (k+1)*w); keep the current window's count and the previous one's.",
        "The estimate is previous * (1 - (now - start) / window) + current; allow when estimate + 1 <= limit.",
        "When time jumps over a whole window, the previous count is 0, not the last count you kept.",
      },
    },
    {
      title = "Per-key limiters with idle expiry",
      hints = {
        "A table from key to limiter, made by factory(key) on first use: the factory decides the kind.",
        "To expire without scanning, keep the keys in order of their last request (a linked list, as in an LRU cache).",
        "On each request, drop keys from the old end while seen + idle <= now, and stop at the first live one.",
      },
    },
  },
}
