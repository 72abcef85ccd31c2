-- Run with: designkit examples/sharding.lua
-- Sharding: what adding a shard moves under each strategy, how skewed Zipf keys leave a range
-- split, and the hot shard that shows in a simulated sharded database (docs/patterns/sharding.md).
local dk = require "designkit"

-- 1. Keys moved when a fifth shard joins four, over keys 1..100000.
print("keys moved going from 4 to 5 shards (100000 keys)")
local range = dk.shard { strategy = "range", splits = { 25001, 50001, 75001 } }
local mod = dk.shard { strategy = "hash", shards = 4 }
local jump = dk.shard { strategy = "hash", shards = 4, method = "jump" }
for _, row in ipairs { { "range (split shard 4)", range, 87501 }, { "hash mod N", mod },
                       { "jump hash", jump } } do
  local after = row[2]:clone()
  after:add(row[3])
  local plan = row[2]:plan(after, 100000)
  print(string.format("  %-22s %6d  %5.1f%%  in %d range(s)", row[1], plan.moved,
    plan.fraction * 100, #plan.moves))
end
print(string.format("  theory: mod N moves 4/5 = 80%%, jump 1/5 = 20%%, the range split half of one shard = 12.5%%"))

-- The resharding plan of the range split, step by step.
local after = range:clone()
after:add(87501)
for _, m in ipairs(range:plan(after, 100000).moves) do
  print(string.format("  move keys %d..%d (%d) from shard %d to shard %d", m.first, m.last,
    m.count, m.from, m.to))
end

-- 2. Zipf keys (n = 100000, s = 1) on four equal ranges: exact shares from the pmf.
local zipf = dk.zipf { n = 100000, s = 1.0 }
for _, row in ipairs { { "range", range }, { "jump hash", jump } } do
  local r = dk.shard.report { shard = row[2], keys = zipf }
  print(string.format("%-9s shares %s  hottest shard %d (%.1f%%), max/mean %.2f, cv %.2f", row[1],
    table.concat((function() local t = {} for i, s in ipairs(r.shares) do t[i] = string.format("%.3f", s) end return t end)(), " "),
    r.hottest, r.hottest_share * 100, r.max_over_mean, r.cv))
end

-- 3. The same keys against a simulated sharded database: the hot shard is its own bottleneck.
local m = dk.model "sharded"
local users = m:client "users" { rate = 1500, keys = dk.zipf { n = 100000, s = 1.0 } }
local db = m:sharded_database "db" { shards = 4, strategy = "range", key_space = 100000,
                                     workers = 1, time = dk.exp "0.5ms" }
_ = users >> db
local r = m:run { duration = "60s", seed = 1 }
print("simulated, 1500 queries/s, 0.5ms each, one worker per shard:")
for _, c in ipairs(r.components) do
  if c.name:match("^db%.shard") then
    print(string.format("  %-10s utilisation %5.1f%%  p99 %s", c.name, c.utilisation * 100,
      dk.format_duration(c.latency.p99)))
  end
end
