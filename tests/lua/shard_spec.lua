-- shard_spec: dk.shard from Lua: each strategy against a lookup written here, keys moved against
-- theory and a brute-force replay, exact Zipf shares, the sharded_database kind's hot shard,
-- and bad input.
local dk = require "designkit"

-- Harmonic partial sums, the reference for range shares of Zipf(n, s) keys.
local function zipf_mass(lo, hi, s)
  local t = 0
  for k = hi, lo, -1 do t = t + k ^ -s end
  return t
end

describe("dk.shard", function()
  it("routes range keys as a linear scan of the splits does", function()
    local splits = { 10, 25, 26, 90 }
    local s = dk.shard { strategy = "range", splits = splits }
    for key = 0, 120 do
      local want = 1
      for _, b in ipairs(splits) do if key >= b then want = want + 1 end end
      expect(s:shard(key)):to_be(want)
    end
    expect(s:count()):to_be(5)
  end)

  it("moves only the split shard's upper part when a range shard is split", function()
    local s = dk.shard { strategy = "range", splits = { 251, 501, 751 } }
    local t = s:clone()
    expect(t:add(626)):to_be(5)
    local p = s:plan(t, 1000)
    expect(p.moved):to_be(125)
    expect(p.moves):to_equal({ { from = 3, to = 5, first = 626, last = 750, count = 125, weight = 125 } })
  end)

  it("moves n/(n+1) of keys under mod N and 1/(n+1) under jump", function()
    for _, n in ipairs { 3, 7 } do
      local mod = dk.shard { strategy = "hash", shards = n }
      local jump = dk.shard { strategy = "hash", shards = n, method = "jump" }
      local mod2, jump2 = mod:clone(), jump:clone()
      mod2:add(); jump2:add()
      local pm, pj = mod:plan(mod2, 50000), jump:plan(jump2, 50000)
      expect(pm.fraction):to_be_near(n / (n + 1), 0.01)
      expect(pj.fraction):to_be_near(1 / (n + 1), 0.01)
      -- brute force: replay every key through both sharders
      local moved = 0
      for k = 1, 50000 do if mod:shard(k) ~= mod2:shard(k) then moved = moved + 1 end end
      expect(pm.moved):to_be(moved)
      for _, m in ipairs(pj.moves) do expect(m.to):to_be(n + 1) end
    end
  end)

  it("gives jump hash's published values", function()
    local want = { 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17 }
    for n = 1, 19 do
      expect(dk.shard { strategy = "hash", shards = n, method = "jump" }:shard(1)):to_be(want[n] + 1)
    end
  end)

  it("reports exact Zipf shares for a range split", function()
    local s = dk.shard { strategy = "range", splits = { 101, 301, 601 } }
    local r = dk.shard.report { shard = s, keys = dk.zipf { n = 1000, s = 0.8 } }
    local h = zipf_mass(1, 1000, 0.8)
    local want = { zipf_mass(1, 100, 0.8) / h, zipf_mass(101, 300, 0.8) / h,
                   zipf_mass(301, 600, 0.8) / h, zipf_mass(601, 1000, 0.8) / h }
    for i = 1, 4 do expect(r.shares[i]):to_be_near(want[i], 1e-12) end
    expect(r.hottest):to_be(1)
    expect(r.hottest_share):to_be_near(want[1], 1e-12)
    local mean = 0.25
    local var = 0
    for i = 1, 4 do var = var + (want[i] - mean) ^ 2 end
    expect(r.cv):to_be_near(math.sqrt(var / 4) / mean, 1e-9)
    expect(r.max_over_mean):to_be_near(want[1] / mean, 1e-9)
  end)

  it("counts a list of keys and plans a change in the same report", function()
    local s = dk.shard { strategy = "range", splits = { 10 } }
    local r = dk.shard.report { shard = s, keys = { 1, 2, 3, 11, 1 }, after = dk.shard { strategy = "range", splits = { 3 } } }
    expect(r.loads):to_equal({ 4, 1 })
    expect(r.plan.moved):to_be(1) -- key 3 goes from shard 1 to shard 2
    expect(r.plan.moves[1].first):to_be(3)
  end)

  it("keeps directory, geo and vertical tables, with reassignment", function()
    local d = dk.shard { strategy = "directory", shards = 3, map = { alice = 1, bob = 2, carol = 3 } }
    expect(d:shard("bob")):to_be(2)
    d:assign("bob", 3)
    expect(d:shard("bob")):to_be(3)
    d:remove(3) -- bob and carol go to the least loaded of shards 1 and 2
    local after = { d:shard("alice"), d:shard("bob"), d:shard("carol") }
    local counts = { 0, 0 }
    for _, v in ipairs(after) do counts[v] = counts[v] + 1 end
    expect(math.abs(counts[1] - counts[2])):to_be(1)
    local g = dk.shard { strategy = "geo", regions = { eu = 1, us = 2, asia = 2 } }
    expect(g:shard("asia")):to_be(2)
    expect(g:count()):to_be(2)
    local v = dk.shard { strategy = "vertical", groups = { { "id", "name" }, { "bio", "avatar" } } }
    expect(v:shard("avatar")):to_be(2)
    expect(function() v:shard("email") end):to_fail("vertical: \"email\" is assigned to no shard")
  end)

  it("asks a custom function, and locates its errors", function()
    local c = dk.shard { strategy = "custom", shards = 3, fn = function(k, n) return k % n + 1 end }
    for k = 0, 20 do expect(c:shard(k)):to_be(k % 3 + 1) end
    local bad = dk.shard { strategy = "custom", shards = 2, fn = function(k)
      if k == 7 then error("no sevens") end
      return 1
    end }
    expect(function() bad:shard(7) end)
      :to_fail("custom: the function failed for key 7: .*shard_spec.lua:%d+: no sevens")
    expect(function() bad:plan(c, 10) end):to_fail("no sevens")
    local out = dk.shard { strategy = "custom", shards = 2, fn = function() return 5 end }
    expect(function() out:shard(1) end):to_fail("must return a shard number from 1 to 2")
  end)

  it("rejects bad input with the place named", function()
    expect(function() dk.shard { strategy = "zone" } end)
      :to_fail("shard_spec.lua:%d+: shard: unknown strategy \"zone\" %(valid: range, hash, directory, geo, custom, vertical%)")
    expect(function() dk.shard { strategy = "range", splits = { 5, 3 } } end)
      :to_fail("splits must be strictly increasing %(split 2, 3, follows 5%)")
    expect(function() dk.shard { strategy = "range", splits = { 5, 5 } } end)
      :to_fail("strictly increasing")
    expect(function() dk.shard { strategy = "hash", shards = 0 } end):to_fail("shards must be a whole number from 1")
    expect(function() dk.shard { strategy = "hash" } end):to_fail("shards = N is missing")
    expect(function() dk.shard { strategy = "geo" } end):to_fail("no shards")
    expect(function() dk.shard { strategy = "range", split = { 1 } } end):to_fail("split")
    expect(function() dk.shard { strategy = "hash", shards = 2 }:remove(1) end):to_fail("only the newest shard")
    expect(function() dk.shard { strategy = "hash", shards = 1 }:remove(1) end):to_fail("the last shard cannot be removed")
    expect(function() dk.shard.report { shard = 5, keys = 3 } end):to_fail("shard must be a sharder")
    expect(function() dk.shard.report { shard = dk.shard { strategy = "hash", shards = 2 }, keys = dk.exp(1) } end)
      :to_fail("a distribution must be dk.zipf")
  end)
end)

describe("sharded_database", function()
  it("shows the hot shard as the busiest, at the utilisation the Zipf pmf predicts", function()
    local n, s, rate, mean = 10000, 1.0, 1000, 0.0005
    local m = dk.model "hot-shard"
    local c = m:client "users" { rate = rate, keys = dk.zipf { n = n, s = s } }
    local db = m:sharded_database "db" { shards = 4, strategy = "range", key_space = n, workers = 1,
                                         time = dk.exp(mean) }
    _ = c >> db
    local r = m:run { duration = "120s", seed = 3 }
    local util = {}
    for _, comp in ipairs(r.components) do
      local i = comp.name:match("^db%.shard(%d)$")
      if i then util[tonumber(i)] = comp.utilisation end
    end
    local h = zipf_mass(1, n, s)
    for i = 1, 4 do
      local want = rate * mean * zipf_mass((i - 1) * 2500 + 1, i * 2500, s) / h
      expect(util[i]):to_be_near(want, 0.03)
    end
    expect(util[1] > util[2] and util[1] > util[3] and util[1] > util[4]):to_be(true)
  end)

  it("spreads the same keys more evenly by hash", function()
    local m = dk.model "hashed"
    local c = m:client "users" { rate = 1000, keys = dk.zipf { n = 10000, s = 1.0 } }
    local db = m:sharded_database "db" { shards = 4, strategy = "jump", workers = 1, time = dk.exp(0.0005) }
    _ = c >> db
    local r = m:run { duration = "30s", seed = 3 }
    local max = 0
    for _, comp in ipairs(r.components) do
      if comp.name:match("^db%.shard") then max = math.max(max, comp.utilisation) end
    end
    expect(max < 0.3):to_be(true) -- range put ~0.43 on shard 1
  end)
end)
