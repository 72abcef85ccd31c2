-- Run with: designkit examples/cache_policies.lua
-- Eviction policies side by side: the hit ratio of every dk.cache policy on one skewed request
-- stream (Zipf, exponent 0.9, 5000 keys) at three cache sizes. Perfect LFU (counts kept for every
-- key seen) keeps the popular keys best, then LFU, ARC, 2Q and W-TinyLFU; MRU shows what evicting the wrong end costs (LIFO does better than it looks: the
-- popular keys arrive first and are never the newest insert again).
local dk = require "designkit"

local KEYS, REQUESTS = 5000, 100000

-- Zipf popularity, drawn by inverse CDF from a small seeded generator (the script repeats).
local cdf, total = {}, 0
for i = 1, KEYS do
  total = total + i ^ -0.9
  cdf[i] = total
end
local state = 12345
local function draw()
  state = (state * 6364136223846793005 + 1442695040888963407) & 0x7fffffffffffffff
  local u = (state >> 11) / (1 << 52) * total
  local lo, hi = 1, KEYS
  while lo < hi do
    local mid = (lo + hi) // 2
    if cdf[mid] >= u then hi = mid else lo = mid + 1 end
  end
  return "page" .. lo
end
local stream = {}
for i = 1, REQUESTS do stream[i] = draw() end

local policies = { "lru", "lfu", "perfect_lfu", "fifo", "lifo", "mru", "random", "arc", "2q",
                   "tinylfu" }
print(("%-11s %8s %8s %8s"):format("policy", "1%", "5%", "10%"))
for _, policy in ipairs(policies) do
  local row = {}
  for _, share in ipairs { 0.01, 0.05, 0.10 } do
    local c = dk.cache { policy = policy, capacity = math.floor(KEYS * share) }
    for i = 1, REQUESTS do
      local k = stream[i]
      if c:get(k) == nil then c:put(k, i) end
    end
    row[#row + 1] = ("%8.3f"):format(c:stats().hit_ratio)
    c:close()
  end
  print(("%-11s %s"):format(policy, table.concat(row, " ")))
end

-- Expiry: entries with a ttl leave on the cache's clock, which `advance` moves; the sweep
-- releases their values at once (a get would also find them gone).
local sessions = dk.cache { policy = "tinylfu", capacity = 100, ttl = "30m" }
sessions:put("ada", { user = 1 })
sessions:put("bob", { user = 2 }, { ttl = "5m" })
print(("after 10m: %d expired, bob %s"):format(sessions:advance("10m"),
                                              sessions:get("bob") and "here" or "gone"))
print(("after 40m: %d expired, %d left"):format(sessions:advance("30m"), #sessions))

-- Sized entries: a capacity written as a size counts bytes. Pages of different sizes share
-- 64 KiB; a big page evicts as many small ones as it needs room for, and a page larger than the
-- whole cache is refused with an error.
local pages = dk.cache { policy = "lru", capacity = "64KiB", size = function(_, body) return #body end }
for i = 1, 40 do pages:put("/small/" .. i, ("x"):rep(2000)) end
local _, evicted = pages:put("/big", ("y"):rep(40000))
local st = pages:stats()
print(("64KiB cache: %d pages, %d bytes; the 40000-byte page evicted %d"):format(#pages, st.bytes,
                                                                            evicted))
print(("a 100KB page: %s"):format(select(2, pcall(pages.put, pages, "/huge", ("z"):rep(100000)))))
