-- explore_spec: dk.explore, the interleaving explorer. Counts and final values are checked
-- against brute-force enumerations written here, independently of the explorer's search.
local dk = require "designkit"

-- ---- independent references ----

local function choose(n, k)
  local c = 1
  for i = 1, k do c = c * (n - k + i) // i end
  return c
end

-- Every interleaving of two threads that each do `rounds` times (n = read; n = read + 1) on
-- one shared cell: the set of final values, the number of interleavings, and the number of
-- classes of interleavings that differ only in the order of two reads (Mazurkiewicz traces:
-- two interleavings are one class when every pair of conflicting operations comes in the same
-- order), by enumeration; and the final values of the interleavings with one preemption at most.
local function counter_reference(rounds)
  local ops = 2 * rounds
  local finals, classes, count, bounded = {}, {}, 0, {}
  local seq = {}
  local function rec(a, b)
    if a == ops and b == ops then
      count = count + 1
      local pos, seen = { {}, {} }, { 0, 0 }
      for p, t in ipairs(seq) do
        seen[t] = seen[t] + 1
        pos[t][seen[t]] = p
      end
      local bits = {}
      for i = 1, ops do
        for j = 1, ops do
          if not (i % 2 == 1 and j % 2 == 1) then -- two reads commute
            bits[#bits + 1] = pos[1][i] < pos[2][j] and "1" or "0"
          end
        end
      end
      classes[table.concat(bits)] = true
      local n, reg, pc = 0, { 0, 0 }, { 0, 0 }
      for _, t in ipairs(seq) do
        pc[t] = pc[t] + 1
        if pc[t] % 2 == 1 then reg[t] = n else n = reg[t] + 1 end
      end
      finals[n] = true
      -- A preemption: a switch away from a thread that has not finished.
      local preemptions = 0
      for p = 2, #seq do
        local prev = seq[p - 1]
        if seq[p] ~= prev and pos[prev][ops] > p then preemptions = preemptions + 1 end
      end
      if preemptions <= 1 then bounded[n] = true end
      return
    end
    if a < ops then seq[#seq + 1] = 1 rec(a + 1, b) seq[#seq] = nil end
    if b < ops then seq[#seq + 1] = 2 rec(a, b + 1) seq[#seq] = nil end
  end
  rec(0, 0)
  local function sorted(set)
    local list = {}
    for v in pairs(set) do list[#list + 1] = v end
    table.sort(list)
    return list
  end
  local nclasses = 0
  for _ in pairs(classes) do nclasses = nclasses + 1 end
  return sorted(finals), count, nclasses, sorted(bounded)
end

-- ---- the programs ----

local function increments(locked)
  local function body(s)
    for _ = 1, 3 do
      if locked then s.m:lock() end
      local v = s.n:get()
      s.n:set(v + 1)
      if locked then s.m:unlock() end
    end
  end
  return {
    setup = function(x) return { n = x:cell("n", 0), m = x:mutex("m") } end,
    threads = { body, body },
    final = function(s) return s.n:get() end,
  }
end

local function philosophers(ordered)
  local N, threads = 5, {}
  for i = 1, N do
    threads[i] = function(s)
      local first, second = s.forks[i], s.forks[i % N + 1]
      if ordered and i == N then first, second = second, first end -- lowest number first
      first:lock()
      second:lock()
      s.meals:add(1)
      second:unlock()
      first:unlock()
    end
  end
  return {
    setup = function(x)
      local forks = {}
      for i = 1, N do forks[i] = x:mutex("fork" .. i) end
      return { forks = forks, meals = x:counter("meals") }
    end,
    threads = threads,
    final = function(s) return s.meals:get() end,
  }
end

-- One producer of two items, two consumers of one each, a buffer of one slot. The items are a
-- plain Lua table, touched only under the mutex.
local function buffer(fixed, one_condition)
  local function put(s, v)
    s.m:lock()
    if fixed then
      while #s.items == 1 do s.not_full:wait(s.m) end
    elseif #s.items == 1 then
      s.not_full:wait(s.m)
    end
    s.items[#s.items + 1] = v
    s.not_empty:signal()
    s.m:unlock()
  end
  local function take(s)
    s.m:lock()
    if fixed then
      while #s.items == 0 do s.not_empty:wait(s.m) end
    elseif #s.items == 0 then
      s.not_empty:wait(s.m)
    end
    local v = table.remove(s.items, 1)
    assert(v ~= nil, "took an item from an empty buffer")
    s.not_full:signal()
    s.m:unlock()
  end
  return {
    setup = function(x)
      local one = x:condition("changed")
      return { m = x:mutex("m"), items = {},
               not_full = fixed and not one_condition and x:condition("not_full") or one,
               not_empty = fixed and not one_condition and x:condition("not_empty") or one }
    end,
    threads = {
      function(s) put(s, "a") put(s, "b") end,
      function(s) take(s) end,
      function(s) take(s) end,
    },
  }
end

-- Threads of `steps[i]` steps each on a cell of their own: nothing depends on anything.
local function independent(steps)
  local threads = {}
  for i, k in ipairs(steps) do
    threads[i] = function(s)
      for j = 1, k do s[i]:set(j) end
    end
  end
  return {
    setup = function(x)
      local cells = {}
      for i = 1, #steps do cells[i] = x:cell("c" .. i, 0) end
      return cells
    end,
    threads = threads,
  }
end

local function with(program, extra)
  local p = {}
  for k, v in pairs(program) do p[k] = v end
  for k, v in pairs(extra) do p[k] = v end
  return p
end

-- ---- specs ----

describe("dk.explore: the shared counter", function()
  it("reports every final value two racing incrementers can leave, as enumeration finds", function()
    local want, interleavings, classes = counter_reference(3)
    expect(want):to_equal({ 2, 3, 4, 5, 6 })
    expect(interleavings):to_be(choose(12, 6))
    local r = dk.explore(increments(false))
    expect(r.ok):to_be(true)
    expect(r.complete):to_be(true)
    expect(r.finals):to_equal(want)
    -- Sleep sets run one schedule per class of equivalent interleavings, no more, no fewer.
    expect(r.schedules):to_be(classes)
    local all = dk.explore(with(increments(false), { reduction = false }))
    expect(all.schedules):to_be(interleavings)
    expect(all.finals):to_equal(want)
  end)

  it("finds the lost update with a schedule that replays to the same failure", function()
    local p = with(increments(false), {
      check = function(s) assert(s.n:get() == 6, "lost update: n = " .. s.n:get()) end,
    })
    local r = dk.explore(p)
    expect(r.ok):to_be(false)
    expect(r.complete):to_be(false)
    expect(r.failure.kind):to_be("assertion")
    expect(r.failure.message):to_match("lost update: n = ")
    local text = r:report()
    expect(text):to_match("FAILED (assertion)")
    expect(text):to_match("schedule: " .. table.concat(r.failure.schedule, " "))
    expect(text):to_match('thread 2  get cell "n"')
    -- The schedule's own steps, replayed by hand: the printed trace is what happens.
    expect(#r.failure.trace):to_be(#r.failure.schedule)
    for i, e in ipairs(r.failure.trace) do
      expect(e.step):to_be(i)
      expect(e.thread):to_be(r.failure.schedule[i])
    end
    local again = dk.explore.replay(p, r.failure.schedule)
    expect(again.failure.kind):to_be("assertion")
    expect(again.failure.message):to_be(r.failure.message)
    expect(again:report():match("\nschedule:.*")):to_be(text:match("\nschedule:.*"))
  end)

  it("passes with a mutex, the search complete, one schedule per order of the critical sections", function()
    local r = dk.explore(with(increments(true), {
      check = function(s) assert(s.n:get() == 6) end,
    }))
    expect(r.ok):to_be(true)
    expect(r.complete):to_be(true)
    expect(r.finals):to_equal({ 6 })
    expect(r.schedules):to_be(choose(6, 3))
  end)

  it("finds the same values with an atomic counter, and none lost", function()
    local body = function(s) for _ = 1, 3 do s.n:add(1) end end
    local r = dk.explore {
      setup = function(x) return { n = x:counter("n") } end,
      threads = { body, body },
      final = function(s) return s.n:get() end,
    }
    expect(r.finals):to_equal({ 6 })
    expect(r.schedules):to_be(choose(6, 3))
  end)

  it("checks an invariant after every step", function()
    local r = dk.explore(with(increments(false), {
      invariant = function(s) return s.n:get() <= 4 end,
    }))
    expect(r.failure.kind):to_be("invariant")
    expect(r.failure.message):to_match("invariant false after step")
    expect(r.failure.trace[#r.failure.trace].value):to_be("<- 5")
  end)
end)

describe("dk.explore: schedule counts", function()
  it("runs every interleaving without reduction: C(a+b, a) for independent threads", function()
    for _, ab in ipairs { { 1, 1 }, { 2, 3 }, { 4, 4 } } do
      local r = dk.explore(with(independent(ab), { reduction = false }))
      expect(r.schedules):to_be(choose(ab[1] + ab[2], ab[1]))
      expect(r.complete):to_be(true)
    end
    local three = dk.explore(with(independent { 2, 2, 2 }, { reduction = false }))
    expect(three.schedules):to_be(choose(6, 2) * choose(4, 2)) -- 6! / (2! 2! 2!) = 90
  end)

  it("runs one schedule when nothing depends on anything", function()
    local r = dk.explore(independent { 4, 4, 4 })
    expect(r.schedules):to_be(1)
    expect(r.complete):to_be(true)
  end)

  it("bounds preemptions and says the search was not complete", function()
    local r = dk.explore(with(increments(false), { preemptions = 0, reduction = false }))
    -- Without preemption a thread runs until it ends: thread 1 first or thread 2 first.
    expect(r.schedules):to_be(2)
    expect(r.complete):to_be(false)
    expect(r.limit):to_be("preemptions")
    expect(r.finals):to_equal({ 6 })
    local _, _, _, one_preemption = counter_reference(3)
    local one = dk.explore(with(increments(false), { preemptions = 1 }))
    expect(one.finals):to_equal(one_preemption)
  end)

  it("stops at max_schedules", function()
    local r = dk.explore(with(increments(false), { max_schedules = 10, reduction = false }))
    expect(r.schedules):to_be(10)
    expect(r.complete):to_be(false)
    expect(r.limit):to_be("max_schedules")
    expect(r:report()):to_match("stopped: max_schedules")
  end)
end)

describe("dk.explore: deadlocks and lock order", function()
  it("finds the dining philosophers' deadlock with its wait-for cycle", function()
    local r = dk.explore(philosophers(false))
    expect(r.failure.kind):to_be("deadlock")
    expect(r.failure.schedule):to_equal({ 1, 2, 3, 4, 5 })
    local m = r.failure.message
    expect(m):to_match('thread 1 holds mutex "fork1" and waits for mutex "fork2", held by thread 2')
    expect(m):to_match('thread 5 holds mutex "fork5" and waits for mutex "fork1", held by thread 1')
    expect(m):to_match("wait-for cycle: thread 1 -> thread 2 -> thread 3 -> thread 4 -> thread 5 -> thread 1")
    expect(#r.lock_cycles):to_be(1)
    local again = dk.explore.replay(philosophers(false), r.failure.schedule)
    expect(again.failure.message):to_be(m)
  end)

  it("passes with the forks taken in a global order", function()
    local r = dk.explore(philosophers(true))
    expect(r.ok):to_be(true)
    expect(r.complete):to_be(true)
    expect(r.finals):to_equal({ 5 })
    expect(#r.lock_cycles):to_be(0)
  end)

  it("reports a lock-order inversion no schedule deadlocks on", function()
    -- A gate mutex makes the two nested sections exclusive: no deadlock, but the order is wrong.
    local function nested(first, second)
      return function(s)
        s.gate:lock()
        s[first]:lock()
        s[second]:lock()
        s[second]:unlock()
        s[first]:unlock()
        s.gate:unlock()
      end
    end
    local p = {
      setup = function(x) return { gate = x:mutex("gate"), a = x:mutex("A"), b = x:mutex("B") } end,
      threads = { nested("a", "b"), nested("b", "a") },
    }
    local r = dk.explore(p)
    expect(r.complete):to_be(true)
    expect(r.ok):to_be(false)
    expect(r.failure.kind):to_be("lock-order")
    expect(r.failure.message):to_match('thread 2 holds "B" and takes "A"')
    expect(r.failure.message):to_match('thread 1 holds "A" and takes "B"')
    expect(dk.explore(with(p, { lock_order = false })).ok):to_be(true)
  end)

  it("finds the bounded buffer's bug with if instead of while, and passes the fixed one", function()
    local r = dk.explore(buffer(false))
    expect(r.ok):to_be(false)
    expect(r.failure.kind == "assertion" or r.failure.kind == "deadlock"):to_be(true)
    local again = dk.explore.replay(buffer(false), r.failure.schedule)
    expect(again.failure.message):to_be(r.failure.message)
    local fixed = dk.explore(buffer(true))
    expect(fixed.ok):to_be(true)
    expect(fixed.complete):to_be(true)
  end)

  it("finds that while alone is not enough with one condition variable and signal", function()
    -- A consumer's signal can wake the other consumer instead of the producer.
    local r = dk.explore(buffer(true, true))
    expect(r.failure.kind):to_be("deadlock")
    expect(r.failure.message):to_match('waits on condition "changed", which nobody is left to signal')
  end)

  it("lets a signal wake either waiter, not only the one that waited longest", function()
    -- Thread 1 waits first, then thread 2 (the semaphores order them), then thread 3 signals
    -- once; the thread it wakes records itself and signals the other.
    local function waiter(id, before, after)
      return function(s)
        if before then s[before]:acquire() end
        s.m:lock()
        s[after]:release()
        s.c:wait(s.m)
        s.first:cas(0, id)
        s.c:signal()
        s.m:unlock()
      end
    end
    local r = dk.explore {
      setup = function(x)
        return { m = x:mutex("m"), c = x:condition("c"), first = x:counter("first"),
                 one = x:semaphore("one waits", 0), two = x:semaphore("two wait", 0) }
      end,
      threads = {
        waiter(1, nil, "one"),
        waiter(2, "one", "two"),
        function(s) s.two:acquire() s.m:lock() s.c:signal() s.m:unlock() end,
      },
      final = function(s) return s.first:get() end,
    }
    expect(r.ok):to_be(true)
    expect(r.finals):to_equal({ 1, 2 })
  end)

  it("models semaphores and try_lock", function()
    local r = dk.explore {
      setup = function(x) return { s = x:semaphore("slots", 1), m = x:mutex("m"), n = x:cell("n", 0) } end,
      threads = {
        function(s) s.s:acquire() s.n:set(s.n:get() + 1) s.s:release() end,
        function(s) s.s:acquire() s.n:set(s.n:get() + 1) s.s:release() end,
        function(s) if s.m:try_lock() then s.m:unlock() end end,
      },
      final = function(s) return s.n:get() end,
    }
    expect(r.ok):to_be(true)
    expect(r.finals):to_equal({ 2 })
  end)
end)

describe("dk.explore: misuse and hostile threads", function()
  local function one(thread, setup)
    return { setup = setup or function(x) return { m = x:mutex("m"), c = x:condition("c"), n = x:cell("n") } end,
             threads = { thread } }
  end

  it("refuses an unlock of a mutex the thread does not hold, at the thread's line", function()
    expect(function() dk.explore(one(function(s) s.m:unlock() end)) end)
      :to_fail('explore_spec.lua:%d+: explore: thread 1 unlocks mutex "m", which nobody holds')
  end)

  it("refuses a wait without the mutex", function()
    expect(function() dk.explore(one(function(s) s.c:wait(s.m) end)) end)
      :to_fail('explore_spec.lua:%d+: explore: thread 1 waits on condition "c" without holding mutex "m"')
    expect(function() dk.explore(one(function(s) s.c:wait() end)) end)
      :to_fail("needs the mutex it releases")
  end)

  it("refuses an object used outside its run", function()
    local kept
    dk.explore(one(function(s) kept = s.n end))
    expect(function() kept:set(1) end)
      :to_fail('explore_spec.lua:%d+: explore: cell "n": set%(%) outside dk.explore')
    expect(function() kept.set(nil, 1) end):to_fail("cell:set() called on nil")
  end)

  it("lets invariant and check read, and not write", function()
    local p = one(function(s) s.n:set(1) end)
    p.invariant = function(s) s.n:set(2) end
    expect(function() dk.explore(p) end):to_fail("invariant, check and final may only read")
  end)

  it("refuses bad options with the caller's line", function()
    local ok = one(function() end)
    expect(function() dk.explore(with(ok, { threads = { 1 } })) end)
      :to_fail("explore_spec.lua:%d+: explore: threads%[1%] must be a function %(got number%)")
    expect(function() dk.explore(with(ok, { preemtions = 1 })) end)
      :to_fail('unknown option "preemtions"')
    expect(function() dk.explore(with(ok, { preemptions = -1 })) end)
      :to_fail("explore_spec.lua:%d+: explore: preemptions must be >= 0 %(got %-1%)")
    expect(function() dk.explore(with(ok, { max_schedules = 1.5 })) end)
      :to_fail("max_schedules must be an integer")
    expect(function() dk.explore(with(ok, { reduction = "yes" })) end)
      :to_fail("reduction must be true or false")
    expect(function() dk.explore(with(ok, { threads = {} })) end)
      :to_fail("threads must be a list of functions")
    expect(function() dk.explore("x") end):to_fail("expects a table of options")
  end)

  it("refuses a schedule that does not fit the program", function()
    local p = increments(false)
    expect(function() dk.explore_replay(p, { 1, 3 }) end)
      :to_fail("schedule%[2%] must be a thread number from 1 to 2 %(got 3%)")
    expect(function() dk.explore_replay(p, { 1 }) end)
      :to_fail("the schedule ends after step 1, but threads 1, 2 can still run")
    local locked = increments(true)
    expect(function() dk.explore_replay(locked, { 1, 2 }) end)
      :to_fail('step 2 runs thread 2, which is blocked: lock mutex "m"')
  end)

  it("reports an error object whose __tostring raises, without raising", function()
    local bad = setmetatable({}, { __tostring = function() error("no") end })
    local r = dk.explore(one(function() error(bad) end))
    expect(r.failure.kind):to_be("assertion")
    expect(r.failure.message):to_match("__tostring failed")
  end)

  it("refuses a thread's own coroutine.yield", function()
    expect(function() dk.explore(one(function() coroutine.yield("lock") end)) end)
      :to_fail("thread 1 called coroutine.yield")
  end)

  it("refuses operations from a coroutine the thread made, even if the thread catches the error", function()
    expect(function()
      dk.explore(one(function(s)
        local co = coroutine.create(function() s.n:get() end)
        coroutine.resume(co)
      end))
    end):to_fail("from a coroutine that thread 1 made")
  end)

  it("refuses a thread resumed from outside the explorer", function()
    local victim
    local p = {
      setup = function(x) return { m = x:mutex("m"), n = x:cell("n", 0) } end,
      threads = {
        function(s) victim = coroutine.running() s.n:get() end,
        function() coroutine.resume(victim, "forged") end,
      },
    }
    expect(function() dk.explore(p) end):to_fail("resumed from outside the explorer")
  end)

  it("refuses a thread whose coroutine another thread closed", function()
    local victim
    local p = {
      setup = function(x) return { n = x:cell("n", 0) } end,
      threads = {
        function(s) victim = coroutine.running() s.n:get() s.n:get() end,
        function() coroutine.close(victim) end,
      },
    }
    expect(function() dk.explore(p) end)
      :to_fail("explore_spec.lua:%d+: explore: thread 1's coroutine was closed or resumed from outside")
  end)

  it("keeps one trace line per step whatever a cell holds", function()
    local r = dk.explore {
      setup = function(x) return { n = x:cell("n", "") } end,
      threads = { function(s) s.n:set("two\nlines") end },
      check = function() return false end,
    }
    expect(r.failure.trace[1].value):to_be('<- "two\\nlines"')
  end)

  it("stops a thread that spins at max_steps", function()
    local r = dk.explore {
      setup = function(x) return { flag = x:cell("flag", false) } end,
      threads = { function(s) while not s.flag:get() do end end, function(s) s.flag:set(true) end },
      max_steps = 50,
    }
    expect(r.failure.kind):to_be("step-limit")
  end)

  it("refuses a yield in setup or an invariant, at the line that called dk.explore", function()
    local p = one(function() end)
    p.invariant = function() coroutine.yield() end
    local outer = coroutine.wrap(function() return pcall(dk.explore, p) end)
    local ok, err = outer()
    expect(ok):to_be(false)
    expect(err):to_match("explore: invariant called coroutine.yield")
    expect(function() dk.explore(with(one(function() end), { setup = function() coroutine.yield() end })) end)
      :to_fail("explore_spec.lua:%d+: explore: setup called coroutine.yield")
  end)

  it("cannot nest explorations", function()
    expect(function() dk.explore(one(function() dk.explore(one(function() end)) end)) end)
      :to_fail("cannot run inside another exploration")
  end)
end)
