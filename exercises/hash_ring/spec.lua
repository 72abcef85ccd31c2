-- Tests of the hash_ring exercise. The oracle is written here: the published FNV-1a test
-- vectors, the statement's position function, and a brute-force owner (scan every point for
-- the smallest clockwise distance), never the reference solution.

local MASK = 0xffffffff

local function fnv(s)
  local h = 2166136261
  for i = 1, #s do h = ((h ~ s:byte(i)) * 16777619) % 4294967296 end
  return h
end

local function position(s)
  local h = fnv(s)
  h = h ~ (h >> 16); h = (h * 0x85ebca6b) & MASK
  h = h ~ (h >> 13); h = (h * 0xc2b2ae35) & MASK
  return h ~ (h >> 16)
end

-- The brute-force ring: members { name = weight }; owner(key) scans every point.
local function brute(vnodes, members)
  local points = {}
  for node, weight in pairs(members) do
    for i = 1, vnodes * weight do points[#points + 1] = { position(node .. "#" .. i), node } end
  end
  return function(key)
    local h, best, best_d = position(key), nil, nil
    for _, p in ipairs(points) do
      local d = (p[1] - h) % 4294967296 -- clockwise distance from the key to the point
      if best == nil or d < best_d or (d == best_d and p[2] < best) then best, best_d = p[2], d end
    end
    return best
  end
end

local function ring_of(vnodes, names)
  local r = solution().Ring.new { vnodes = vnodes }
  for _, n in ipairs(names) do r:add(n) end
  return r
end

local function names(n)
  local out = {}
  for i = 1, n do out[i] = "node-" .. i end
  return out
end

local function owners(r, k)
  local out = {}
  for i = 1, k do out[i] = r:lookup("key:" .. i) end
  return out
end

task("Hash and look up", function()
  it("fnv1a32 gives the published FNV-1a test vectors", function()
    local f = solution().fnv1a32
    expect(f(""), "fnv1a32(\"\")"):to_be(0x811c9dc5)
    expect(f("a"), "fnv1a32(\"a\")"):to_be(0xe40c292c)
    expect(f("foobar"), "fnv1a32(\"foobar\")"):to_be(0xbf9cf968)
  end)

  it("position is FNV-1a followed by the murmur3 finaliser", function()
    local p = solution().position
    for _, s in ipairs { "", "a", "foobar", "node-1#1", "key:1" } do
      expect(p(s), "position(\"" .. s .. "\")"):to_be(position(s))
    end
  end)

  it("lookup returns the owner of the first point clockwise (brute force, 3 nodes, 5 vnodes)", function()
    local r = ring_of(5, { "a", "b", "c" })
    local owner = brute(5, { a = 1, b = 1, c = 1 })
    for i = 1, 400 do
      local key = "key:" .. i
      local want = owner(key)
      local got = r:lookup(key)
      if got ~= want then expect(got, "lookup(\"" .. key .. "\")"):to_be(want) end
    end
  end)

  it("an empty ring answers nil, a ring of one node always that node", function()
    local r = solution().Ring.new { vnodes = 3 }
    expect(r:lookup("k"), "lookup on an empty ring"):to_be(nil)
    r:add("only")
    for i = 1, 50 do
      local got = r:lookup("key:" .. i)
      if got ~= "only" then expect(got, "lookup(\"key:" .. i .. "\") on a one-node ring"):to_be("only") end
    end
  end)

  it("rejects bad arguments, naming them", function()
    local Ring = solution().Ring
    expect(function() Ring.new { vnodes = 0 } end, "vnodes = 0"):to_fail("vnodes")
    expect(function() Ring.new { vnodes = 2.5 } end, "vnodes = 2.5"):to_fail("vnodes")
    local r = Ring.new { vnodes = 2 }
    expect(function() r:add(42) end, "add(42)"):to_fail("node")
    r:add("a")
    expect(function() r:add("a") end, "add(\"a\") twice"):to_fail("already")
    expect(function() r:remove("zzz") end, "remove(\"zzz\")"):to_fail("unknown node")
    expect(function() r:lookup(7) end, "lookup(7)"):to_fail("key")
  end)
end)

task("Join and leave", function()
  it("on join only keys taken by the new node move: about K/(n+1) of them", function()
    local K = 10000
    local r = ring_of(100, names(10))
    local before = owners(r, K)
    r:add("node-11")
    local moved = 0
    for i, now in ipairs(owners(r, K)) do
      if now ~= before[i] then
        moved = moved + 1
        if now ~= "node-11" then
          expect(now, "key:" .. i .. " moved from " .. before[i] .. " but not to the new node"):to_be("node-11")
        end
      end
    end
    -- Expected K/11 = 909; v = 100 keeps the deviation small.
    expect(moved, "keys moved when node-11 joined 10 nodes (K = 10000)"):to_be_greater_than(0.7 * K / 11)
    expect(moved, "keys moved when node-11 joined 10 nodes (K = 10000)"):to_be_less_than(1.3 * K / 11)
  end, { timeout = 30 })

  it("on leave only the leaving node's keys move, and they spread over the others", function()
    local K = 10000
    local r = ring_of(100, names(10))
    local before = owners(r, K)
    r:remove("node-4")
    local receivers = {}
    for i, now in ipairs(owners(r, K)) do
      if before[i] == "node-4" then
        receivers[now] = true
        if now == "node-4" then expect(now, "key:" .. i .. " still on the removed node"):to_be("another node") end
      elseif now ~= before[i] then
        expect(now, "key:" .. i .. " (on " .. before[i] .. ") moved when node-4 left"):to_be(before[i])
      end
    end
    local n = 0
    for _ in pairs(receivers) do n = n + 1 end
    expect(n, "nodes that received node-4's keys"):to_be_greater_than(5)
  end, { timeout = 30 })

  it("add then remove gives back exactly the previous assignment", function()
    local r = ring_of(50, names(6))
    local before = owners(r, 3000)
    r:add("temp")
    r:remove("temp")
    expect(owners(r, 3000), "owners after add(temp), remove(temp)"):to_equal(before)
    expect(r:nodes(), "nodes()"):to_equal({ "node-1", "node-2", "node-3", "node-4", "node-5", "node-6" })
  end)

  it("after joins and leaves lookups still agree with brute force", function()
    local r = ring_of(8, { "d", "a", "c" })
    r:add("b"); r:remove("c"); r:add("e", 2)
    local owner = brute(8, { a = 1, b = 1, d = 1, e = 2 })
    for i = 1, 300 do
      local key = "key:" .. i
      local want, got = owner(key), r:lookup(key)
      if got ~= want then expect(got, "lookup(\"" .. key .. "\") after add b, remove c, add e (weight 2)"):to_be(want) end
    end
  end)
end)

task("Balance, weights and speed", function()
  local function cv(r, K)
    local count = {}
    for i = 1, K do
      local n = r:lookup("key:" .. i)
      count[n] = (count[n] or 0) + 1
    end
    local nodes = r:nodes()
    local mean, sum = K / #nodes, 0
    for _, n in ipairs(nodes) do sum = sum + ((count[n] or 0) - mean) ^ 2 end
    return math.sqrt(sum / #nodes) / mean, count
  end

  it("100 virtual nodes spread 20000 keys over 10 nodes with a CV under 0.15", function()
    local spread = cv(ring_of(100, names(10)), 20000)
    expect(spread, "coefficient of variation of keys per node, v = 100"):to_be_less_than(0.15)
    local one = cv(ring_of(1, names(10)), 20000)
    expect(one, "CV with v = 1 (should be far worse than with v = 100)"):to_be_greater_than(2 * spread)
  end, { timeout = 30 })

  it("a node of weight 3 among four of weight 1 takes about 3/7 of the keys", function()
    local r = ring_of(100, { "n1", "n2", "n3", "n4" })
    r:add("big", 3)
    local _, count = cv(r, 20000)
    local share = (count.big or 0) / 20000
    expect(share, "share of keys on the weight-3 node"):to_be_greater_than(0.35)
    expect(share, "share of keys on the weight-3 node"):to_be_less_than(0.5)
    expect(function() r:add("w", 0) end, "add(\"w\", 0)"):to_fail("weight")
  end, { timeout = 30 })

  it("lookup is a binary search: 20000 lookups on 3000 points within 3e7 instructions", function()
    local r = ring_of(100, names(30))
    local count = 0
    for i = 1, 20000 do
      if r:lookup("key:" .. i) then count = count + 1 end
    end
    expect(count, "lookups answered"):to_be(20000)
    -- A linear scan is ~1500 steps per lookup: 3e7 steps before any other work.
  end, { instructions = 3e7, timeout = 30 })
end)
