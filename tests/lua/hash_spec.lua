-- hash_spec: dk.hash from Lua: jump against the paper's values, the share of keys that move when
-- a node joins (counted here, against 1/(n+1) and mod-N's n/(n+1)), the ring's add and remove,
-- Maglev's even table, bad input.
local dk = require "designkit"

describe("dk.hash.jump", function()
  it("gives the published values", function()
    local one, beef = {}, {}
    for b = 1, 19 do
      one[b] = dk.hash.jump(1, b)
      beef[b] = dk.hash.jump(0xdeadbeef, b)
    end
    expect(one):to_equal({ 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17 })
    expect(beef):to_equal({ 0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16 })
  end)

  it("takes strings and rejects bad buckets", function()
    local b = dk.hash.jump("user:42", 10)
    expect(b >= 0 and b < 10):to_be_truthy()
    expect(function() dk.hash.jump(1, 0) end):to_fail("hash_spec.lua:%d+: jump: buckets must be")
    expect(function() dk.hash.jump({}, 3) end):to_fail("key must be an integer or a string")
  end)
end)

local KEYS = 20000

local function names(n)
  local t = {}
  for i = 1, n do t[i] = "node-" .. i end
  return t
end

-- The fraction of keys whose owner differs between two lookups.
local function moved(before, after)
  local count = 0
  for k = 1, KEYS do
    if before("k" .. k) ~= after("k" .. k) then count = count + 1 end
  end
  return count / KEYS
end

describe("adding a node", function()
  for _, n in ipairs { 3, 7 } do
    local share = 1 / (n + 1)
    it("moves about 1/(n+1) of keys under jump, rendezvous, ring, maglev (n = " .. n .. ")", function()
      local jump = moved(function(k) return dk.hash.jump(k, n) end,
                         function(k) return dk.hash.jump(k, n + 1) end)
      expect(jump):to_be_near(share, 0.1)
      local a, b = dk.hash.rendezvous { nodes = names(n) }, dk.hash.rendezvous { nodes = names(n + 1) }
      expect(moved(function(k) return a:get(k) end, function(k) return b:get(k) end))
        :to_be_near(share, 0.1)
      local r = dk.hash.ring { nodes = names(n), vnodes = 200 }
      local owner = {}
      for k = 1, KEYS do owner["k" .. k] = r:get("k" .. k) end
      r:add("node-" .. (n + 1))
      expect(moved(function(k) return owner[k] end, function(k) return r:get(k) end))
        :to_be_near(share, 0.35)
      local m1, m2 = dk.hash.maglev { nodes = names(n) }, dk.hash.maglev { nodes = names(n + 1) }
      local m = moved(function(k) return m1:get(k) end, function(k) return m2:get(k) end)
      expect(m >= share * 0.9 and m <= share * 1.5):to_be_truthy()
    end)
    it("moves about n/(n+1) of keys under mod-N (n = " .. n .. ")", function()
      local mod = moved(function(k) return dk.hash.key(k) % n end,
                        function(k) return dk.hash.key(k) % (n + 1) end)
      expect(mod):to_be_near(n * share, 0.05)
    end)
  end
end)

describe("dk.hash.ring", function()
  it("adds, removes and lists nodes; removal gives the keys back", function()
    local r = dk.hash.ring { nodes = { "a", "b", "c" } }
    local before = {}
    for k = 1, 1000 do before[k] = r:get(k) end
    r:add("d")
    expect(r:nodes()):to_equal({ "a", "b", "c", "d" })
    r:remove("d")
    for k = 1, 1000 do expect(r:get(k)):to_be(before[k]) end
    expect(tostring(r)):to_be("hash ring (3 nodes)")
    expect(dk.hash.ring { nodes = {} }:get("x")):to_be(nil)
  end)

  it("rejects bad input", function()
    expect(function() dk.hash.ring { nodes = { "a", "a" } } end)
      :to_fail("hash_spec.lua:%d+: ring: duplicate node \"a\"")
    expect(function() dk.hash.ring { nodes = { "a" }, vnodes = 0 } end)
      :to_fail("vnodes must be a whole number from 1 to 100000")
    expect(function() dk.hash.ring { nodes = { "a" }, vnode = 3 } end):to_fail("vnode")
    local r = dk.hash.ring { nodes = { "a" } }
    expect(function() r:add("a") end):to_fail("ring: duplicate node \"a\"")
    expect(function() r:remove("zz") end):to_fail("ring: no node \"zz\"")
  end)
end)

describe("dk.hash.maglev", function()
  it("gives every node floor or ceil of M/N entries", function()
    local m = dk.hash.maglev { nodes = names(7), size = 65537 }
    local total = 0
    for _, e in pairs(m:entries()) do
      total = total + e
      expect(e == 65537 // 7 or e == 65537 // 7 + 1):to_be_truthy()
    end
    expect(total):to_be(65537)
  end)

  it("rejects bad input", function()
    expect(function() dk.hash.maglev { nodes = {} } end):to_fail("maglev: nodes is empty")
    expect(function() dk.hash.maglev { nodes = { "a", "b" }, size = 100 } end):to_fail("prime")
    expect(function() dk.hash.maglev { nodes = { "x", "y", "x" } } end)
      :to_fail("maglev: duplicate node \"x\"")
  end)
end)

describe("dk.hash.rendezvous", function()
  it("picks the highest score and keeps its own copy of the nodes", function()
    local list = { "a", "b", "c" }
    local h = dk.hash.rendezvous { nodes = list }
    list[1] = "zzz"
    expect(h:nodes()):to_equal({ "a", "b", "c" })
    local seen = {}
    for k = 1, 300 do seen[h:get(k)] = true end
    expect(seen.a and seen.b and seen.c):to_be_truthy()
  end)
end)
