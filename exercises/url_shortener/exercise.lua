return {
  title = "URL shortener, sized and priced",
  difficulty = "hard",
  track = "hld",
  summary = "Build a URL shortener from priced parts that meets p99 <= 25 ms and 99.9% availability in the simulator, within a budget",
  patterns = { "factory", "cache-aside" },
  reference = "models/hld/url_shortener_solution.lua",
  tasks = {
    {
      title = "A design that runs",
      hints = {
        "Link the users to a balancer and the balancer to an api part: _ = users >> lb >> api.",
        "Give the api a route for each class: api:route(\"resolve\", ...) and a handler or route for \"shorten\".",
        "A shorten must write the database: api:on(\"shorten\", function(req) db:write(req.key) end).",
      },
    },
    {
      title = "Meet the targets",
      hints = {
        "Without a cache every resolve costs a database query (about 4.5 ms of a database worker): put parts.cache in front with dk.cache_aside(cache, db).",
        "An api worker is held while it waits for the cache and the database: api workers needed ~ rate x (2 ms + waits) / utilisation.",
        "Keep each station well below saturation (50-65% busy): the p99 of a queue shoots up near 100%. Shortens should invalidate the cached key.",
      },
    },
    {
      title = "Within the budget",
      hints = {
        "Database workers cost 4 each, cache entries 1 per 5000: a bigger cache that takes reads off the database usually pays.",
        "Estimate the hit ratio of an LRU cache under Zipf popularity (Che's approximation), or try a few sizes in your own script with m:run.",
        "Size from the workload w you are given (w.rate, w.reads, w.keys, w.skew), not from constants: two workloads are tested.",
      },
    },
  },
}
