-- Reference solution of the url_shortener exercise (docs/exercises/url_shortener.md).
-- Sizes a cache-aside design for the workload it is given, from queueing arithmetic rather than
-- trial and error:
--   * the hit ratio of an LRU cache of c entries under a Zipf(s) popularity over n keys comes
--     from Che's approximation (below);
--   * each station gets enough workers that its offered load (arrivals x mean time) keeps it
--     at a modest utilisation, because the p99 of a queue grows fast as utilisation nears 1;
--   * among a few cache sizes, the cheapest design (catalogue prices) wins: a bigger cache costs
--     memory but takes reads off the database, whose workers cost four times an api worker.
local dk = require "designkit"

local API_TIME = 0.002 -- the catalogue's mean times, in seconds
local CACHE_TIME = 0.0002
local DB_TIME = 0.004 * math.exp(0.5 ^ 2 / 2) -- lognormal("4ms", 0.5): the median is 4 ms
local DB_UTILISATION = 0.5 -- what each station may be kept busy at
local API_UTILISATION = 0.65

-- The keys' popularity, Zipf(s) over n keys, in buckets of keys of about the same
-- probability (key k has probability k^-s / H(n, s)): a few hundred buckets instead of n keys.
local function zipf_buckets(n, s)
  local buckets, total = {}, 0
  local lo = 1
  while lo <= n do
    local hi = math.min(n, math.max(lo, math.floor(lo * 1.05)))
    local mass = 0
    for k = lo, hi do mass = mass + k ^ -s end
    buckets[#buckets + 1] = { count = hi - lo + 1, mass = mass }
    total = total + mass
    lo = hi + 1
  end
  for _, b in ipairs(buckets) do b.p = b.mass / total / b.count end -- each key's probability
  return buckets
end

-- The hit ratio of an LRU cache of `capacity` entries, by Che's approximation: a key stays in
-- the cache for a characteristic time T (counted in requests) after its last request, where
-- T makes the expected number of keys held equal the capacity; a request hits if its key was
-- asked for within T before it.
local function lru_hit_ratio(buckets, capacity)
  local function held(t)
    local n = 0
    for _, b in ipairs(buckets) do n = n + b.count * (1 - math.exp(-b.p * t)) end
    return n
  end
  local lo, hi = 0, 1
  while held(hi) < capacity do hi = hi * 2 end
  for _ = 1, 50 do
    local mid = (lo + hi) / 2
    if held(mid) < capacity then lo = mid else hi = mid end
  end
  local hit = 0
  for _, b in ipairs(buckets) do hit = hit + b.count * b.p * (1 - math.exp(-b.p * hi)) end
  return hit
end

-- The numbers of one candidate design with a cache of `capacity` entries.
local function size(w, buckets, capacity)
  local hit = capacity >= w.keys and 1 or lru_hit_ratio(buckets, capacity)
  local reads, writes = w.rate * w.reads, w.rate * (1 - w.reads)
  -- Database: the misses and every write; each query takes DB_TIME on average.
  local db_busy = (reads * (1 - hit) + writes) * DB_TIME
  local db_workers = math.max(2, math.ceil(db_busy / DB_UTILISATION))
  -- api: a worker is held for its own time plus the calls it waits on (threads mode).
  local api_busy = reads * (API_TIME + CACHE_TIME + (1 - hit) * DB_TIME)
    + writes * (API_TIME + DB_TIME + CACHE_TIME)
  local api_workers = math.max(2, math.ceil(api_busy / API_UTILISATION / 2)) -- per replica, 2 replicas
  local cost = 1 + 2 * api_workers + math.ceil(capacity / 5000) + 4 * db_workers
  return { capacity = capacity, db_workers = db_workers, api_workers = api_workers, cost = cost }
end

-- design(m, users, parts, w): adds the design to model m; `users` is the client the tests made.
return function(m, users, parts, w)
  local buckets = zipf_buckets(w.keys, w.skew)
  local best
  for _, capacity in ipairs { 5000, 10000, 20000 } do
    local s = size(w, buckets, capacity)
    if not best or s.cost < best.cost then best = s end
  end
  local lb = parts.balancer "lb" { algorithm = "least_connections" }
  local api = parts.api "api" { replicas = 2, workers = best.api_workers }
  local cache = parts.cache "urls-cache" { capacity = best.capacity, policy = "lru" }
  local db = parts.database "urls" { replicas = 1, workers = best.db_workers }
  _ = users >> lb >> api
  -- Reads: the cache first, the database on a miss, which then fills the cache.
  api:route("resolve", dk.cache_aside(cache, db))
  -- Writes: the database, then drop the cached entry so the next read sees the new URL.
  api:on("shorten", function(req)
    local ok = db:write(req.key)
    cache:invalidate(req.key)
    if not ok then return false end
  end)
end
