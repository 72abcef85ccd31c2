-- Tests of the lfu_cache exercise. The checks are hand-computed sequences and a brute-force
-- model written here (each entry keeps its frequency and the tick of its last access; eviction
-- scans for the smallest (frequency, tick)), never the reference solution.

local function model(capacity)
  local m = { entries = {}, size = 0, tick = 0 }
  local function touch(e) m.tick = m.tick + 1; e.freq = e.freq + 1; e.last = m.tick end
  function m.get(k)
    local e = m.entries[k]
    if not e then return nil end
    touch(e)
    return e.value
  end
  function m.put(k, v)
    local e = m.entries[k]
    if e then e.value = v; touch(e); return nil end
    local ek, ev
    if m.size == capacity then
      local best
      for key, x in pairs(m.entries) do
        if not best or x.freq < best.freq or (x.freq == best.freq and x.last < best.last) then
          best, ek = x, key
        end
      end
      ev = best.value
      m.entries[ek] = nil
      m.size = m.size - 1
    end
    m.tick = m.tick + 1
    m.entries[k] = { value = v, freq = 1, last = m.tick }
    m.size = m.size + 1
    return ek, ev
  end
  function m.delete(k)
    if not m.entries[k] then return false end
    m.entries[k] = nil
    m.size = m.size - 1
    return true
  end
  function m.freq(k) return m.entries[k] and m.entries[k].freq end
  return m
end

-- Runs `steps` random operations on the solution and the model side by side. Messages are
-- built only on a mismatch, so the comparison stays cheap.
local function compare(seed, steps, capacity, keys, hot)
  math.randomseed(seed)
  local c, m = solution().LFU.new(capacity), model(capacity)
  local function check(got, want, step, what, k)
    if got ~= want then
      expect(got, string.format("seed %d, step %d: " .. what, seed, step, k)):to_be(want)
    end
  end
  for step = 1, steps do
    local r, k = math.random(), math.random(keys)
    if hot and math.random() < hot then k = math.random(3) end -- a few hot keys
    if r < 0.45 then
      check(c:get(k), m.get(k), step, "get(%d)", k)
    elseif r < 0.9 then
      local ek, ev = c:put(k, step)
      local mk, mv = m.put(k, step)
      check(ek, mk, step, "key evicted by put(%d)", k)
      check(ev, mv, step, "value evicted by put(%d)", k)
    else
      check(c:delete(k), m.delete(k), step, "delete(%d)", k)
    end
    check(c:len(), m.size, step, "len() after an operation on key %d", k)
    check(c:freq(k), m.freq(k), step, "freq(%d)", k)
  end
end

task("Store, fetch and count", function()
  it("get returns what put stored, and nil for a key never stored", function()
    local c = solution().LFU.new(3)
    c:put("a", 1)
    c:put("b", 2)
    expect(c:get("a"), "get(a) after put(a, 1)"):to_be(1)
    expect(c:get("b"), "get(b) after put(b, 2)"):to_be(2)
    expect(c:get("x"), "get of a key never stored"):to_be(nil)
    expect(c:len(), "len() after two puts"):to_be(2)
  end)

  it("freq counts the accesses: put starts at 1, each get or put adds 1", function()
    local c = solution().LFU.new(3)
    c:put("a", 1)
    expect(c:freq("a"), "freq(a) after put(a)"):to_be(1)
    c:get("a"); c:get("a")
    expect(c:freq("a"), "freq(a) after put, get, get"):to_be(3)
    c:put("a", 5)
    expect(c:freq("a"), "freq(a) after a second put"):to_be(4)
    expect(c:get("a"), "get(a) returns the new value"):to_be(5)
    expect(c:freq("nope"), "freq of a key never stored"):to_be(nil)
    c:get("nope")
    expect(c:len(), "len() after a get of a missing key"):to_be(1)
  end)

  it("delete removes a key and says whether it was there", function()
    local c = solution().LFU.new(2)
    c:put("a", 1)
    expect(c:delete("a"), "delete(a) of a stored key"):to_be(true)
    expect(c:get("a"), "get(a) after delete(a)"):to_be(nil)
    expect(c:delete("a"), "delete(a) a second time"):to_be(false)
    expect(c:len(), "len() after deleting the only key"):to_be(0)
  end)

  it("new rejects a capacity that is not a positive integer, naming it", function()
    local LFU = solution().LFU
    for _, bad in ipairs { 0, -2, 2.5, "4", {} } do
      expect(function() LFU.new(bad) end, "LFU.new(" .. tostring(bad) .. ")"):to_fail("capacity")
    end
  end)
end)

task("Evict the least frequently used", function()
  it("a put into a full cache evicts the least frequently used entry and returns it", function()
    local c = solution().LFU.new(2)
    c:put("a", 1); c:put("b", 2)
    c:get("a") -- a: 2 accesses, b: 1
    local k, v = c:put("c", 3)
    expect({ k, v }, "put(c) with a used twice and b once"):to_equal({ "b", 2 })
    expect(c:get("a"), "get(a): the frequent entry stays"):to_be(1)
  end)

  it("among equally frequent entries the least recently used goes first", function()
    local c = solution().LFU.new(3)
    c:put("a", 1); c:put("b", 2); c:put("c", 3)
    c:get("b"); c:get("a") -- a 2 (last), b 2, c 1
    expect(c:put("d", 4), "evicted by put(d): c is the only one used once"):to_be("c")
    expect(c:put("e", 5), "evicted by put(e): d is new, used once"):to_be("d")
    c:get("e") -- a 2, b 2, e 2; least recently used among them: b
    expect(c:put("f", 6), "evicted by put(f): a, b, e all used twice, b least recently"):to_be("b")
  end)

  it("a key that comes back after eviction starts again at frequency 1", function()
    local c = solution().LFU.new(1)
    c:put("a", 1); c:get("a"); c:get("a")
    expect(c:put("b", 2), "put(b) into a full cache of one"):to_be("a")
    expect(c:put("a", 1), "put(a) evicts b"):to_be("b")
    expect(c:freq("a"), "freq(a) after it came back"):to_be(1)
  end)

  it("5000 random operations agree with a brute-force model (seed 7)", function()
    compare(7, 5000, 5, 12)
  end, { timeout = 30 })
end)

task("O(1) with frequency buckets", function()
  it("deleting entries keeps the least frequent entry right", function()
    local c = solution().LFU.new(3)
    c:put("a", 1)                               -- a 1
    c:put("b", 2); c:get("b")                   -- b 2
    c:put("c", 3); c:get("c"); c:get("c")       -- c 3
    expect(c:delete("a"), "delete(a)"):to_be(true) -- the lowest frequency is now 2
    expect(c:put("d", 4), "put(d) with a free slot evicts nothing"):to_be(nil)
    expect(c:put("e", 5), "put(e): d (1) is the least frequent"):to_be("d")
    c:delete("e")
    c:put("f", 6); c:get("f"); c:get("f"); c:get("f") -- f 4
    expect(c:put("g", 7), "put(g): b (2) is the least frequent of b 2, c 3, f 4"):to_be("b")
    expect(c:freq("c"), "freq(c)"):to_be(3)
    expect(c:freq("f"), "freq(f)"):to_be(4)
  end)

  it("20000 random operations with hot keys agree with the model (seed 99)", function()
    compare(99, 20000, 20, 60, 0.5)
  end, { timeout = 30 })

  it("no scan per eviction: 20000 evictions from a 10000-entry cache stay within 5e7 instructions",
    function()
      local c = solution().LFU.new(10000)
      for i = 1, 10000 do c:put(i, i) end
      for i = 1, 5000 do c:get(i) end -- keys 1..5000 now used twice
      -- Evicted in order: 5001..10000 (used once, oldest first), then each new key in turn.
      for i = 1, 20000 do
        local evicted = c:put(10000 + i, i)
        local want = i <= 5000 and 5000 + i or 10000 + i - 5000 -- keys 10001.. once 5001..10000 are gone
        if evicted ~= want then expect(evicted, "evicted by put(" .. (10000 + i) .. ")"):to_be(want) end
      end
      expect(c:get(1), "get(1): used twice, never evicted"):to_be(1)
      expect(c:len(), "len()"):to_be(10000)
      -- A scan for the least frequent entry per eviction does ~10000 steps: 2e8 in all.
    end, { instructions = 5e7, timeout = 30 })
end)
