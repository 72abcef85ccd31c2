-- Tests of the lru_cache exercise. The checks are hand-computed orders and a naive model (a
-- plain array in recency order) written here, never the reference solution.

-- The naive model: keys in an array, most recently used first; O(n) per operation, obviously right.
local function naive(capacity)
  local m = { order = {}, values = {} }
  local function remove(k)
    for i, x in ipairs(m.order) do
      if x == k then table.remove(m.order, i); return true end
    end
    return false
  end
  function m.get(k)
    if m.values[k] == nil then return nil end
    remove(k); table.insert(m.order, 1, k)
    return m.values[k]
  end
  function m.put(k, v)
    if m.values[k] ~= nil then
      remove(k); table.insert(m.order, 1, k); m.values[k] = v
      return nil
    end
    local ek, ev
    if #m.order == capacity then
      ek = table.remove(m.order); ev = m.values[ek]; m.values[ek] = nil
    end
    table.insert(m.order, 1, k); m.values[k] = v
    return ek, ev
  end
  function m.delete(k)
    if m.values[k] == nil then return false end
    remove(k); m.values[k] = nil
    return true
  end
  return m
end

task("Store and fetch", function()
  it("get returns what put stored, and nil for a key never stored", function()
    local LRU = solution().LRU
    local c = LRU.new(3)
    c:put("a", 1)
    c:put("b", 2)
    expect(c:get("a"), "get(a) after put(a, 1)"):to_be(1)
    expect(c:get("b"), "get(b) after put(b, 2)"):to_be(2)
    expect(c:get("zzz"), "get of a key never stored"):to_be(nil)
    expect(c:len(), "len() after two puts"):to_be(2)
  end)

  it("put on an existing key replaces its value without growing the cache", function()
    local c = solution().LRU.new(2)
    c:put("a", 1)
    c:put("a", 10)
    expect(c:get("a"), "get(a) after put(a, 1), put(a, 10)"):to_be(10)
    expect(c:len(), "len() after storing the same key twice"):to_be(1)
  end)

  it("delete removes a key and says whether it was there", function()
    local c = solution().LRU.new(2)
    c:put("a", 1)
    expect(c:delete("a"), "delete(a) of a stored key"):to_be(true)
    expect(c:get("a"), "get(a) after delete(a)"):to_be(nil)
    expect(c:delete("a"), "delete(a) a second time"):to_be(false)
    expect(c:len(), "len() after deleting the only key"):to_be(0)
  end)

  it("new rejects a capacity that is not a positive integer, naming it", function()
    local LRU = solution().LRU
    for _, bad in ipairs { 0, -1, 1.5, "3", false } do
      expect(function() LRU.new(bad) end, "LRU.new(" .. tostring(bad) .. ")"):to_fail("capacity")
    end
  end)

  it("put rejects a nil key and a nil value", function()
    local c = solution().LRU.new(2)
    expect(function() c:put(nil, 1) end, "put(nil, 1)"):to_fail("key")
    expect(function() c:put("a", nil) end, "put(a, nil)"):to_fail("value")
  end)
end)

task("Evict the least recently used", function()
  it("a put into a full cache evicts the least recently used entry and returns it", function()
    local c = solution().LRU.new(2)
    expect(c:put("a", 1), "put(a) into an empty cache returns nothing"):to_be(nil)
    c:put("b", 2)
    local k, v = c:put("c", 3)
    expect({ k, v }, "put(c) into a full cache {a, b}"):to_equal({ "a", 1 })
    expect(c:get("a"), "get(a) after it was evicted"):to_be(nil)
    expect(c:len(), "len() stays at the capacity"):to_be(2)
  end)

  it("get makes an entry the most recently used", function()
    local c = solution().LRU.new(3)
    c:put("a", 1); c:put("b", 2); c:put("c", 3)
    c:get("a") -- order now a, c, b: b is the least recently used
    local k = c:put("d", 4)
    expect(k, "evicted by put(d) after put a, b, c and get(a)"):to_be("b")
    k = c:put("e", 5)
    expect(k, "evicted next"):to_be("c")
  end)

  it("put on an existing key makes it the most recently used", function()
    local c = solution().LRU.new(2)
    c:put("a", 1); c:put("b", 2)
    expect(c:put("a", 11), "put(a) on a stored key evicts nothing"):to_be(nil)
    expect(c:put("c", 3), "evicted by put(c) after refreshing a"):to_be("b")
  end)

  it("keys lists the entries from most to least recently used", function()
    local c = solution().LRU.new(4)
    c:put(1, "x"); c:put(2, "y"); c:put(3, "z")
    c:get(1); c:delete(2); c:put(4, "w")
    expect(c:keys(), "keys() after put 1, 2, 3, get 1, delete 2, put 4"):to_equal({ 4, 1, 3 })
    expect(c:keys(), "keys() again: it must not change recency"):to_equal({ 4, 1, 3 })
  end)

  it("5000 random operations agree with a naive model (seed 11)", function()
    math.randomseed(11)
    local capacity = 7
    local c, m = solution().LRU.new(capacity), naive(capacity)
    for step = 1, 5000 do
      local op, k = math.random(3), math.random(15)
      local where = "step " .. step
      if op == 1 then
        expect(c:get(k), where .. ": get(" .. k .. ")"):to_be(m.get(k))
      elseif op == 2 then
        local ek, ev = c:put(k, step)
        local mk, mv = m.put(k, step)
        expect({ ek, ev }, where .. ": what put(" .. k .. ") evicted"):to_equal({ mk, mv })
      else
        expect(c:delete(k), where .. ": delete(" .. k .. ")"):to_be(m.delete(k))
      end
      expect(c:len(), where .. ": len()"):to_be(#m.order)
    end
    expect(c:keys(), "keys() at the end"):to_equal(m.order)
  end, { timeout = 30 })

  it("no scan per operation: 30000 operations on a 10000-entry cache stay within 5e7 instructions",
    function()
      local c = solution().LRU.new(10000)
      for i = 1, 10000 do c:put(i, i) end
      for i = 1, 10000 do
        if c:get(i) ~= i then expect(c:get(i), "get(" .. i .. ")"):to_be(i) end
      end
      for i = 1, 10000 do
        local evicted = c:put(i + 10000, i)
        if evicted ~= i then expect(evicted, "evicted by put(" .. (i + 10000) .. ")"):to_be(i) end
      end
      expect(c:len()):to_be(10000)
      -- A linear scan per operation does ~5000 steps each: ~2e8 steps in all, far over the limit.
    end, { instructions = 5e7, timeout = 30 })
end)

task("Cache a repository (decorator)", function()
  -- A repository the spec controls: counts the loads it serves.
  local function repository(records)
    local repo = { calls = {} }
    function repo:load(id)
      self.calls[#self.calls + 1] = id
      return records[id]
    end
    return repo
  end

  it("load calls the repository only on a miss", function()
    local S = solution()
    local repo = repository { [1] = "one", [2] = "two" }
    local cached = S.CachedRepository.new(repo, S.LRU.new(10))
    expect(cached:load(1), "first load(1)"):to_be("one")
    expect(cached:load(1), "second load(1)"):to_be("one")
    expect(cached:load(2), "load(2)"):to_be("two")
    expect(cached:load(1), "third load(1)"):to_be("one")
    expect(repo.calls, "ids the repository was asked for"):to_equal({ 1, 2 })
  end)

  it("an entry the cache evicted is loaded from the repository again", function()
    local S = solution()
    local repo = repository { "a", "b", "c" }
    local cached = S.CachedRepository.new(repo, S.LRU.new(2))
    for _, id in ipairs { 1, 2, 3, 1 } do cached:load(id) end
    expect(repo.calls, "repository loads for load 1, 2, 3, 1 with capacity 2"):to_equal({ 1, 2, 3, 1 })
  end)

  it("a missing record is not cached, and invalidate forces a reload", function()
    local S = solution()
    local records = {}
    local repo = repository(records)
    local cached = S.CachedRepository.new(repo, S.LRU.new(4))
    expect(cached:load(7), "load(7) of a missing record"):to_be(nil)
    records[7] = "seven"
    expect(cached:load(7), "load(7) once the record exists"):to_be("seven")
    records[7] = "SEVEN"
    expect(cached:load(7), "load(7) served from the cache"):to_be("seven")
    cached:invalidate(7)
    expect(cached:load(7), "load(7) after invalidate(7)"):to_be("SEVEN")
    expect(repo.calls, "repository loads"):to_equal({ 7, 7, 7 })
  end)

  it("the cache is a strategy: any object with get, put and delete will do", function()
    local S = solution()
    local store, log = {}, {}
    local plain = {
      get = function(_, k) log[#log + 1] = "get " .. k; return store[k] end,
      put = function(_, k, v) log[#log + 1] = "put " .. k; store[k] = v end,
      delete = function(_, k) log[#log + 1] = "delete " .. k; store[k] = nil end,
    }
    local cached = S.CachedRepository.new(repository { [5] = "five" }, plain)
    cached:load(5); cached:load(5); cached:invalidate(5)
    expect(log, "calls on a plain table cache"):to_equal({ "get 5", "put 5", "get 5", "delete 5" })
  end)

  it("new rejects a repository without load and a cache without get/put/delete", function()
    local S = solution()
    local repo = repository {}
    expect(function() S.CachedRepository.new({}, S.LRU.new(1)) end, "new({}, cache)"):to_fail("repo must")
    expect(function() S.CachedRepository.new(repo, {}) end, "new(repo, {})"):to_fail("cache must")
    expect(function() S.CachedRepository.new(repo, nil) end, "new(repo, nil)"):to_fail("cache must")
  end)
end)
