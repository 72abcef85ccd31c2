-- cache_replay_spec: dk.cache_replay against hit counts worked out by hand, and its errors.
local dk = require "designkit"

-- 1 2 1 3 1 2, then "7 3" = 7 8 9. LRU of 2: hits at the second 1 and the third: 2 of 9.
-- LRU of 3: 1 2 1 3 1 2 hits 1, 1, 2: 3 of 9. MIN of 2 leaves 3 out: 1 and 2 hit: 3 of 9.
local trace = "1 1 0 0\n2 1 0 1\n1 1 0 2\n3 1 0 3\n1 1 0 4\n2 1 0 5\n7 3 0 6\n"

describe("dk.cache_replay", function()
  it("gives the hit ratio of each policy at each size", function()
    local r = assert(dk.cache_replay { text = trace, policies = { "lru", "min" }, sizes = { 2, 3 } })
    expect(r.requests):to_be(9)
    expect(r.sizes):to_equal({ 2, 3 })
    expect(r.policies):to_equal({ "lru", "min" })
    expect(r.hit_ratio.lru[1]):to_be_near(2 / 9, 1e-12)
    expect(r.hit_ratio.lru[2]):to_be_near(3 / 9, 1e-12)
    expect(r.hit_ratio.min[1]):to_be_near(3 / 9, 1e-12)
  end)

  it("names a malformed line by its number", function()
    local r, err = dk.cache_replay { text = "1 1 0 0\n2 1\n", policies = { "lru" }, sizes = { 1 } }
    expect(r):to_be(nil)
    expect(err):to_match("^trace:2: expected 4 fields")
  end)

  it("says why a trace cannot be read", function()
    local r, err = dk.cache_replay { trace = "no/such.lis", policies = { "lru" }, sizes = { 1 } }
    expect(r):to_be(nil)
    expect(err):to_match("no/such.lis: ")
  end)

  it("refuses programmer mistakes with the line", function()
    expect(function() dk.cache_replay { text = "", policies = { "lur" }, sizes = { 1 } } end)
      :to_fail('cache_replay_spec.lua:%d+: .*unknown cache policy "lur" %(use lru, .*min%)')
    expect(function() dk.cache_replay { text = "", policies = { "lru" }, sizes = { 0 } } end)
      :to_fail("sizes%[1%] must be a positive integer")
    expect(function() dk.cache_replay { text = "", policies = { "lru" }, sizes = { 5, 5 } } end)
      :to_fail("sizes must increase")
    expect(function() dk.cache_replay { text = "", policies = {}, sizes = { 1 } } end)
      :to_fail("policies must hold 1 to 32 entries")
    expect(function() dk.cache_replay { policies = { "lru" }, sizes = { 1 } } end)
      :to_fail("give trace")
    expect(function() dk.cache_replay { text = "", policies = { "lru" }, sizes = { 1 }, size = 2 } end)
      :to_fail('unknown')
  end)
end)
