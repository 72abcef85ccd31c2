-- cache_spec: dk.cache from Lua: values against a plain-Lua LRU written here, every policy's
-- bookkeeping, values released with their entries (no leak), and bad options.
local dk = require "designkit"

-- The reference: an LRU over a Lua array, most recent first.
local function ref_lru(cap)
  local order, vals = {}, {}
  local r = {}
  local function find(k)
    for i, x in ipairs(order) do if x == k then return i end end
  end
  function r.get(k)
    local i = find(k)
    if not i then return nil end
    table.insert(order, 1, table.remove(order, i))
    return vals[k]
  end
  function r.put(k, v)
    local i = find(k)
    if i then table.remove(order, i)
    elseif #order == cap then vals[table.remove(order)] = nil end
    table.insert(order, 1, k)
    vals[k] = v
  end
  return r
end

describe("dk.cache", function()
  it("returns the values an LRU reference returns", function()
    local c, r = dk.cache { policy = "lru", capacity = 8 }, ref_lru(8)
    local seed = 7
    for step = 1, 3000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local k = seed % 20
      if seed % 3 == 0 then k = "s" .. k end -- string and integer keys side by side
      if seed % 5 < 2 then
        c:put(k, step)
        r.put(k, step)
      else
        expect(c:get(k)):to_be(r.get(k))
      end
    end
    expect(#c):to_be(8)
  end)

  it("keeps the counters for every policy", function()
    for _, policy in ipairs { "lru", "lfu", "perfect_lfu", "fifo", "lifo", "mru", "random", "arc",
                              "2q", "tinylfu" } do
      local c = dk.cache { policy = policy, capacity = 4 }
      for i = 1, 10 do
        if c:get(i % 6) == nil then c:put(i % 6, { i }) end
      end
      local s = c:stats()
      expect(s.policy):to_be(policy)
      expect(s.hits + s.misses):to_be(10)
      expect(s.hit_ratio):to_be_near(s.hits / 10, 1e-12)
      expect(s.size):to_be(4)
      expect(c:len()):to_be(4)
      expect(s.capacity):to_be(4)
      expect(s.evictions):to_be(s.misses - 4)
      expect(c:delete(1) or c:delete(2) or c:delete(3) or c:delete(4) or c:delete(5)):to_be(true)
      expect(c:len()):to_be(3)
      expect(tostring(c)):to_be("cache (" .. policy .. ", 3/4)")
      c:close()
      expect(tostring(c)):to_be("cache (closed)")
    end
  end)

  it("evicts by policy: FIFO keeps the order of insertion, LIFO drops the newest", function()
    local f = dk.cache { policy = "fifo", capacity = 2 }
    f:put("a", 1); f:put("b", 2); f:get("a")
    expect(f:put("c", 3)):to_be(true)
    expect(f:get("a")):to_be(nil)
    expect(f:get("b")):to_be(2)
    local l = dk.cache { policy = "lifo", capacity = 2 }
    l:put("a", 1); l:put("b", 2); l:put("c", 3)
    expect(l:get("a")):to_be(1)
    expect(l:get("b")):to_be(nil)
    expect(l:get("c")):to_be(3)
  end)

  it("lets evicted values go (no leak)", function()
    local c = dk.cache { policy = "arc", capacity = 16 }
    local weak = setmetatable({}, { __mode = "k" })
    for i = 1, 1000 do
      local v = {}
      weak[v] = true
      c:put(i, v)
    end
    collectgarbage()
    collectgarbage()
    local alive = 0
    for _ in pairs(weak) do alive = alive + 1 end
    expect(alive):to_be(16)
    expect(c:delete(1000)):to_be(true)
    c:close()
    collectgarbage()
    collectgarbage()
    alive = 0
    for _ in pairs(weak) do alive = alive + 1 end
    expect(alive):to_be(0)
  end)

  it("replays the same evictions for the same seed", function()
    local function run(seed)
      local c, out = dk.cache { policy = "random", capacity = 5, seed = seed }, {}
      for i = 1, 200 do
        if c:get(i % 11) == nil then c:put(i % 11, i) end
      end
      for k = 0, 10 do out[#out + 1] = c:get(k) ~= nil end
      return table.concat((function() local t = {} for i, b in ipairs(out) do t[i] = tostring(b) end return t end)(), ",")
    end
    expect(run(3)):to_be(run(3))
  end)

  it("names bad options", function()
    expect(function() dk.cache { policy = "lfu2", capacity = 4 } end)
      :to_fail("unknown cache policy \"lfu2\" "
               .. "(use lru, lfu, perfect_lfu, fifo, lifo, mru, random, arc, 2q, tinylfu)")
    expect(function() dk.cache { capacity = 0 } end):to_fail("capacity must be a positive integer")
    expect(function() dk.cache { capacity = -3 } end):to_fail("capacity must be a positive integer")
    expect(function() dk.cache { capacity = 2.5 } end):to_fail("capacity must be a positive integer")
    expect(function() dk.cache { policy = "lru" } end):to_fail("capacity is required")
    expect(function() dk.cache { capacity = 4, size = 3 } end):to_fail("size")
    local c = dk.cache { capacity = 4 }
    expect(function() c:put({}, 1) end):to_fail("cache key must be a string or an integer")
    expect(function() c:get(1.5) end):to_fail("got a float")
    expect(function() c:put("k", nil) end):to_fail("must not be nil")
    c:close()
    expect(function() c:get("k") end):to_fail("closed")
  end)

  -- A reference written here: each key's deadline in a table, checked at every step.
  it("expires entries lazily on get and actively on advance", function()
    local c = dk.cache { capacity = 64, ttl = "10s" }
    local deadline, now, seed = {}, 0, 3
    for step = 1, 2000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local k = seed % 30
      local op = seed % 7
      if op == 0 then
        local dt = seed % 4
        local due = 0
        for key, d in pairs(deadline) do
          if d <= now + dt then due = due + 1; deadline[key] = nil end
        end
        expect(c:advance(dt)):to_be(due)
        now = now + dt
        expect(c:now()):to_be(now)
        expect(#c):to_be((function() local n = 0 for _ in pairs(deadline) do n = n + 1 end return n end)())
      elseif op < 3 then
        local ttl = seed % 3 == 0 and 10 or (seed % 9) + 1
        if ttl == 10 then c:put(k, step) else c:put(k, step, { ttl = ttl }) end
        deadline[k] = now + ttl
      else
        local want = deadline[k] and deadline[k] > now or false
        if deadline[k] and not want then deadline[k] = nil end
        expect(c:get(k) ~= nil):to_be(want)
      end
    end
    expect(c:stats().expirations > 0):to_be(true)
  end)

  -- The reference: an LRU in bytes over a Lua array, most recent first; a put evicts from the
  -- least recent end until the new entry fits.
  local function ref_sized(cap)
    local order, vals, size, r = {}, {}, {}, { bytes = 0 }
    local function find(k)
      for i, x in ipairs(order) do if x == k then return i end end
    end
    function r.get(k)
      local i = find(k)
      if not i then return nil end
      table.insert(order, 1, table.remove(order, i))
      return vals[k]
    end
    function r.put(k, v, n)
      local i = find(k)
      if i then table.remove(order, i); r.bytes = r.bytes - size[k] end
      local gone = 0
      while r.bytes + n > cap do
        local old = table.remove(order)
        r.bytes = r.bytes - size[old]
        vals[old], size[old] = nil, nil
        gone = gone + 1
      end
      table.insert(order, 1, k)
      vals[k], size[k] = v, n
      r.bytes = r.bytes + n
      return gone
    end
    return r
  end

  it("holds sized entries within a capacity in bytes, as a sized LRU reference", function()
    local c, r = dk.cache { policy = "lru", capacity = "4KiB" }, ref_sized(4096)
    expect(c:stats().capacity):to_be(4096)
    expect(c:stats().unit):to_be("bytes")
    local seed = 11
    for step = 1, 3000 do
      seed = (seed * 1103515245 + 12345) % 2147483648
      local k = "k" .. (seed % 40)
      if seed % 3 == 0 then
        local n = 1 + (seed >> 8) % 1500
        local _, gone = c:put(k, step, { size = n })
        expect(gone):to_be(r.put(k, step, n))
      else
        expect(c:get(k)):to_be(r.get(k))
      end
      local st = c:stats()
      expect(st.bytes):to_be(r.bytes)
      expect(st.bytes <= 4096):to_be(true)
    end
    expect(tostring(c)):to_match("^cache %(lru, %d+ entries, %d+/4096 bytes%)$")
  end)

  it("takes sizes from a size option: a function of key and value, or a constant", function()
    local c = dk.cache { policy = "fifo", capacity = "1KB", size = function(_, v) return #v end }
    c:put("a", ("x"):rep(400)); c:put("b", ("y"):rep(400))
    local evicted, n = c:put("c", ("z"):rep(900))
    expect(evicted):to_be(true)
    expect(n):to_be(2)
    expect(c:stats().bytes):to_be(900)
    expect(c:put("d", "small", { size = "100B" })):to_be(false)
    local k = dk.cache { policy = "random", capacity = "10KiB", size = "1KiB", seed = 4 }
    for i = 1, 30 do k:put(i, i) end
    expect(#k):to_be(10)
    expect(k:stats().bytes):to_be(10240)
    local weak = setmetatable({}, { __mode = "k" })
    local big = dk.cache { policy = "lfu", capacity = "100B" }
    for i = 1, 50 do local v = {}; weak[v] = true; big:put(i, v, { size = 1 + i % 30 }) end
    collectgarbage(); collectgarbage()
    local alive = 0
    for _ in pairs(weak) do alive = alive + 1 end
    expect(alive):to_be(#big)
  end)

  it("names bad sizes", function()
    expect(function() dk.cache { capacity = "64Mib" } end)
      :to_fail('cache: capacity: invalid size "64Mib"')
    expect(function() dk.cache { capacity = "0B" } end):to_fail("capacity must be a positive size")
    expect(function() dk.cache { capacity = "-5KiB" } end):to_fail("cache: capacity: invalid size")
    expect(function() dk.cache { policy = "arc", capacity = "1MiB" } end)
      :to_fail('cache policy "arc" cannot hold sized entries')
    expect(function() dk.cache { capacity = "1KiB", size = 0 } end)
      :to_fail("cache: size must be a positive integer number of bytes")
    local c = dk.cache { capacity = "1KiB" }
    expect(function() c:put("k", 1) end):to_fail("cache put: size is required")
    expect(function() c:put("k", 1, { size = 0 }) end):to_fail("size must be a positive integer")
    expect(function() c:put("k", 1, { size = -3 }) end):to_fail("size must be a positive integer")
    expect(function() c:put("k", 1, { size = "2KiB" }) end)
      :to_fail("an entry of 2048 bytes is larger than the whole cache %(1024 bytes%): refused")
    expect(c:get("k")):to_be(nil)
    local f = dk.cache { capacity = "1KiB", size = function() return "lots" end }
    expect(function() f:put("k", 1) end):to_fail("the size function's result: invalid size")
    local e = dk.cache { capacity = 4 }
    expect(function() e:put("k", 1, { size = 10 }) end)
      :to_fail("size needs a cache whose capacity is in bytes")
  end)

  it("names bad ttls", function()
    expect(function() dk.cache { capacity = 4, ttl = "5 parsecs" } end)
      :to_fail("cache: ttl: invalid duration")
    local c = dk.cache { capacity = 4 }
    expect(function() c:put("k", 1, { ttl = -1 }) end):to_fail("cache put: ttl: invalid duration")
    expect(function() c:put("k", 1, { tll = 1 }) end):to_fail("tll")
    expect(function() c:advance("soon") end):to_fail("cache advance")
    c:put("k", 1, { ttl = "1ms" })
    expect(c:advance(0.001)):to_be(1)
    expect(c:get("k")):to_be(nil)
  end)
end)
