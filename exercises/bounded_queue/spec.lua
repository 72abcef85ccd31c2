-- Spec of the bounded_queue exercise (docs/exercises/bounded_queue.md).
-- The same queue runs on two platforms, both written here, in PLATFORM below:
--   * dk.explore's objects (coroutine threads; every schedule that matters is run), for tasks 1-2;
--   * real threads (dk.thread), for task 3: mutexes are dk.mutex, cells live in one shared dk.map,
--     and a condition variable is built from a dk.semaphore (see below).
-- Every check is the spec's own: the values each consumer took, compared with what was put.
local dk = require "designkit"

-- The platform, as source text: a dk.thread cannot carry functions, so each thread loads it.
local PLATFORM = [==[
local P = {}
local WAIT = "5s" -- a real-thread wait longer than this is reported as a hang

-- new() only makes objects: using one before new returns is refused, in both platforms, so
-- that re-running new() in each real thread (to attach to the shared objects) changes nothing.
local function usable(state, what)
  if state.constructing then
    error(what .. ": BoundedQueue.new must only make objects through sys (a cell takes its " ..
      "first value from sys.cell), not use them", 3)
  end
end

local function check_name(kind, name)
  if name ~= nil and type(name) ~= "string" then
    error("sys." .. kind .. ": the name must be a string or nil (got " .. type(name) .. ")", 3)
  end
end

-- dk.explore: each sys object wraps the explorer's own.
function P.explore(x)
  local state = { constructing = true }
  local Mutex, Cond, Cell = {}, {}, {}
  Mutex.__index, Cond.__index, Cell.__index = Mutex, Cond, Cell
  function Mutex:lock() usable(state, "lock"); self.o:lock() end
  function Mutex:unlock() usable(state, "unlock"); self.o:unlock() end
  local function mutex_of(m, what)
    if getmetatable(m) ~= Mutex then error(what .. ": expects a mutex made by sys.mutex", 3) end
    return m.o
  end
  function Cond:wait(m) usable(state, "wait"); self.o:wait(mutex_of(m, "wait")) end
  function Cond:signal() usable(state, "signal"); self.o:signal() end
  function Cond:broadcast() usable(state, "broadcast"); self.o:broadcast() end
  function Cell:get() usable(state, "get"); return self.o:get() end
  function Cell:set(v) usable(state, "set"); self.o:set(v) end
  local n = 0
  local function named(kind, name)
    check_name(kind, name)
    n = n + 1
    return name or (kind .. n)
  end
  local sys = {}
  function sys.mutex(name) return setmetatable({ o = x:mutex(named("mutex", name)) }, Mutex) end
  function sys.condition(name) return setmetatable({ o = x:condition(named("condition", name)) }, Cond) end
  function sys.cell(name, value) return setmetatable({ o = x:cell(named("cell", name), value) }, Cell) end
  return sys, state
end

-- Real threads. The first call (registry nil) makes the shared objects and lists them in a
-- registry, a table of handles that crosses to threads; a thread calls P.real(dk, registry),
-- re-runs new() and gets, in order, the same objects.
-- A condition variable: a semaphore the waiters sleep on and a count of waiters, under a
-- mutex of its own. signal releases one permit if someone waits; a permit released before its
-- waiter sleeps stays in the semaphore, so no wake-up is lost.
function P.real(dk, registry)
  local state = { constructing = true }
  local creating = registry == nil
  registry = registry or { map = dk.map {}, objects = {} }
  local map = registry.map
  local Mutex, Cond, Cell = {}, {}, {}
  Mutex.__index, Cond.__index, Cell.__index = Mutex, Cond, Cell
  function Mutex:lock()
    usable(state, "lock")
    if not self.o.m:lock(WAIT) then error("lock: waited " .. WAIT .. " for the mutex (a deadlock?)", 2) end
  end
  function Mutex:unlock() usable(state, "unlock"); self.o.m:unlock() end
  function Cond:wait(m)
    usable(state, "wait")
    if getmetatable(m) ~= Mutex then error("wait: expects a mutex made by sys.mutex", 2) end
    local o = self.o
    o.guard:lock(); map:put(o.key, map:get(o.key) + 1); o.guard:unlock()
    m.o.m:unlock()
    local woken = o.sem:acquire(WAIT)
    if not woken then -- give up, leaving the mutex free so the other threads report too
      o.guard:lock(); map:put(o.key, map:get(o.key) - 1); o.guard:unlock()
      error("wait: no signal came in " .. WAIT .. " (a lost wake-up, or state kept outside sys objects?)", 2)
    end
    if not m.o.m:lock(WAIT) then error("wait: waited " .. WAIT .. " to retake the mutex", 2) end
  end
  function Cond:signal()
    usable(state, "signal")
    local o = self.o
    o.guard:lock()
    local w = map:get(o.key)
    if w > 0 then map:put(o.key, w - 1); o.sem:release() end
    o.guard:unlock()
  end
  function Cond:broadcast()
    usable(state, "broadcast")
    local o = self.o
    o.guard:lock()
    local w = map:get(o.key)
    if w > 0 then map:put(o.key, 0); o.sem:release(w) end
    o.guard:unlock()
  end
  function Cell:get() usable(state, "get"); return map:get(self.o.key) end
  function Cell:set(v) usable(state, "set"); map:put(self.o.key, v) end
  local n = 0
  local function object(kind, name, make)
    check_name(kind, name)
    n = n + 1
    if creating then
      local o = make("o" .. n)
      o.kind = kind
      registry.objects[n] = o
      return o
    end
    local o = registry.objects[n]
    if o == nil or o.kind ~= kind then
      error("sys." .. kind .. ": new() made its objects in another order than the first time " ..
        "(it must make the same objects, in the same order, every time)", 3)
    end
    return o
  end
  local sys = {}
  function sys.mutex(name)
    return setmetatable({ o = object("mutex", name, function() return { m = dk.mutex { name = name } } end) }, Mutex)
  end
  function sys.condition(name)
    return setmetatable({ o = object("condition", name, function(key)
      map:put(key, 0)
      return { key = key, guard = dk.mutex {}, sem = dk.semaphore(0) }
    end) }, Cond)
  end
  function sys.cell(name, value)
    return setmetatable({ o = object("cell", name, function(key)
      map:put(key, value)
      return { key = key }
    end) }, Cell)
  end
  return sys, state, registry
end

return P
]==]

local platform = load(PLATFORM, "=platform", "t")()

-- ---- helpers ----

local function report(r)
  local text = r:report()
  if #text > 3000 then text = text:sub(1, 3000) .. "\n..." end
  return text
end

local function sorted(t)
  local c = {}
  for i, v in ipairs(t) do c[i] = v end
  table.sort(c)
  return c
end

-- Checks what consumers took against what producers put: the same multiset, and each
-- consumer sees each producer's values in the order that producer put them (a FIFO queue
-- cannot reorder two items of one producer). Values are producer * 1000 + sequence.
-- Returns nil, or a message saying what differs.
local function delivery_problem(puts, takes)
  local want, got = {}, {}
  for _, list in ipairs(puts) do for _, v in ipairs(list) do want[#want + 1] = v end end
  for _, list in ipairs(takes) do for _, v in ipairs(list) do got[#got + 1] = v end end
  want, got = sorted(want), sorted(got)
  local seen = {}
  for _, v in ipairs(got) do
    if seen[v] then return "value " .. v .. " was taken twice" end
    seen[v] = true
  end
  for _, v in ipairs(want) do
    if not seen[v] then return "value " .. v .. " was put but never taken" end
  end
  if #got ~= #want then return #want .. " values put, " .. #got .. " taken" end
  for c, list in ipairs(takes) do
    local last = {}
    for _, v in ipairs(list) do
      local p, s = v // 1000, v % 1000
      if last[p] and s < last[p] then
        return ("consumer %d took %d after %d: producer %d's values out of order"):format(c, v,
          p * 1000 + last[p], p)
      end
      last[p] = s
    end
  end
  return nil
end

-- A dk.explore program: producers[i] is the list of values producer i puts; consumers[j] the
-- number of values consumer j takes.
local function queue_program(Q, capacity, producers, consumers)
  local threads = {}
  for p, values in ipairs(producers) do
    threads[#threads + 1] = function(s)
      for _, v in ipairs(values) do s.q:put(v) end
    end
  end
  for c, count in ipairs(consumers) do
    threads[#threads + 1] = function(s)
      for _ = 1, count do
        local got = s.takes[c]
        got[#got + 1] = s.q:take() -- a plain table: each consumer writes only its own list
      end
    end
  end
  return {
    setup = function(x)
      local sys, state = platform.explore(x)
      local q = Q.new(capacity, sys)
      state.constructing = false
      local takes = {}
      for c = 1, #consumers do takes[c] = {} end
      return { q = q, takes = takes }
    end,
    threads = threads,
    check = function(s)
      local problem = delivery_problem(producers, s.takes)
      if problem then error(problem, 0) end
      return true
    end,
  }
end

local function values(producer, n)
  local t = {}
  for i = 1, n do t[i] = producer * 1000 + i end
  return t
end

-- Queues the spec knows are wrong, written on the same platform: one condition variable for
-- both sides, and (unless `loop`) `if` where `while` belongs.
local function bad_queue(loop)
  local Bad = {}
  Bad.__index = Bad
  function Bad.new(capacity, sys)
    return setmetatable({ capacity = capacity, lock = sys.mutex("lock"),
      changed = sys.condition("changed"), count = sys.cell("count", 0),
      items = sys.cell("items", "") }, Bad)
  end
  local function await(self, blocked)
    if loop then
      while blocked() do self.changed:wait(self.lock) end
    elseif blocked() then
      self.changed:wait(self.lock)
    end
  end
  function Bad:put(v)
    self.lock:lock()
    await(self, function() return self.count:get() == self.capacity end)
    self.items:set(self.items:get() .. v .. ",")
    self.count:set(self.count:get() + 1)
    self.changed:signal()
    self.lock:unlock()
  end
  function Bad:take()
    self.lock:lock()
    await(self, function() return self.count:get() == 0 end)
    local v, rest = self.items:get():match("^(%d+),(.*)$")
    assert(v, "took an item from an empty queue")
    self.items:set(rest)
    self.count:set(self.count:get() - 1)
    self.changed:signal()
    self.lock:unlock()
    return math.tointeger(tonumber(v))
  end
  return Bad
end

local function explore(program)
  return dk.explore(program)
end

local function expect_all_schedules_pass(r, what)
  expect(r.ok, what .. ": every schedule should pass, but one failed:\n" .. report(r)):to_be(true)
  expect(r.complete, what .. ": the search should be complete (no bound cut it)"):to_be(true)
end

-- ---- task 1 ----

task("Put and take in order", function()
  it("one thread: put 1, 2, 3 then take gives 1, 2, 3", function()
    local Q = solution()
    local r = explore {
      setup = function(x)
        local sys, state = platform.explore(x)
        local q = Q.new(3, sys)
        state.constructing = false
        return { q = q, got = {} }
      end,
      threads = { function(s)
        for v = 1, 3 do s.q:put(v) end
        for i = 1, 3 do s.got[i] = s.q:take() end
      end },
      check = function(s)
        if not (s.got[1] == 1 and s.got[2] == 2 and s.got[3] == 3) then
          error(("expected takes 1, 2, 3, got %s, %s, %s"):format(tostring(s.got[1]),
            tostring(s.got[2]), tostring(s.got[3])), 0)
        end
        return true
      end,
    }
    expect_all_schedules_pass(r, "put 1, 2, 3; take x3")
  end)

  it("wraps around: 10 puts and takes through a queue of capacity 3 keep FIFO order", function()
    local Q = solution()
    local r = explore {
      setup = function(x)
        local sys, state = platform.explore(x)
        local q = Q.new(3, sys)
        state.constructing = false
        return { q = q, got = {} }
      end,
      threads = { function(s)
        s.q:put(1); s.q:put(2)
        for v = 3, 10 do s.q:put(v); s.got[#s.got + 1] = s.q:take() end
        s.got[#s.got + 1] = s.q:take(); s.got[#s.got + 1] = s.q:take()
      end },
      check = function(s)
        local text = table.concat(s.got, ",")
        if text ~= "1,2,3,4,5,6,7,8,9,10" then error("expected takes 1,2,...,10, got " .. text, 0) end
        return true
      end,
    }
    expect_all_schedules_pass(r, "interleaved puts and takes, capacity 3")
  end)

  it("new rejects a capacity that is not a positive integer, naming it", function()
    local Q = solution()
    for _, bad in ipairs { 0, -1, 2.5, "3" } do
      expect(function()
        dk.explore { setup = function(x) Q.new(bad, (platform.explore(x))) end, threads = { function() end } }
      end, "BoundedQueue.new(" .. tostring(bad) .. ")"):to_fail("capacity")
    end
  end)

  it("put on a full queue blocks (one thread alone: a deadlock)", function()
    local Q = solution()
    local r = explore(queue_program(Q, 2, { values(1, 3) }, {}))
    expect(r.ok, "one thread putting 3 values into a queue of capacity 2 should block for ever"):to_be(false)
    expect(r.failure and r.failure.kind, "the failure should be a deadlock, the explorer said:\n" .. report(r))
      :to_be("deadlock")
  end)

  it("take on an empty queue blocks until a put (consumer first, every schedule)", function()
    local Q = solution()
    local r = explore(queue_program(Q, 1, { values(1, 1) }, { 1 }))
    expect_all_schedules_pass(r, "1 producer of 1 value, 1 consumer, capacity 1")
    local alone = explore(queue_program(Q, 1, {}, { 1 }))
    expect(alone.failure and alone.failure.kind, "a take with no producer should block for ever:\n" .. report(alone))
      :to_be("deadlock")
  end)
end)

-- ---- task 2 ----

task("Block correctly under every schedule", function()
  it("1 producer x 2 consumers, capacity 1: every value once, complete search", function()
    local r = explore(queue_program(solution(), 1, { values(1, 2) }, { 1, 1 }))
    expect_all_schedules_pass(r, "1 producer of 2, 2 consumers of 1, capacity 1")
  end)

  it("2 producers x 1 consumer, capacity 1: no lost wake-up, complete search", function()
    local r = explore(queue_program(solution(), 1, { values(1, 2), values(2, 1) }, { 3 }))
    expect_all_schedules_pass(r, "producers of 2 and 1, 1 consumer of 3, capacity 1")
  end, { timeout = 120, instructions = 2e9 })

  it("2 producers x 2 consumers, capacity 1: no deadlock, every value once, complete search", function()
    local r = explore(queue_program(solution(), 1, { values(1, 2), values(2, 1) }, { 2, 1 }))
    expect_all_schedules_pass(r, "producers of 2 and 1, consumers of 2 and 1, capacity 1")
  end, { timeout = 120, instructions = 2e9 })

  it("2 producers x 2 consumers, capacity 2: no deadlock, every value once, complete search", function()
    local r = explore(queue_program(solution(), 2, { values(1, 2), values(2, 1) }, { 2, 1 }))
    expect_all_schedules_pass(r, "producers of 2 and 1, consumers of 2 and 1, capacity 2")
  end, { timeout = 120, instructions = 2e9 })

  it("the check can fail: queues with `if`, or with one condition, fail where yours passes", function()
    local program = function(Q) return queue_program(Q, 1, { values(1, 2) }, { 1, 1 }) end
    local with_if = explore(program(bad_queue(false)))
    expect(with_if.ok, "the spec's queue with `if` and one condition should fail under dk.explore"):to_be(false)
    local one_cond = explore(program(bad_queue(true)))
    expect(one_cond.ok, "the spec's queue with `while` but one condition should fail under dk.explore")
      :to_be(false)
    local r = explore(program(solution()))
    expect_all_schedules_pass(r, "the same program with your queue")
  end)
end)

-- ---- task 3 ----

-- Runs producers and consumers on real threads. Each thread loads the solution and the
-- platform, attaches to the shared objects and returns what it took.
local function real_run(capacity, nprod, per_producer, nconsumers)
  local total = nprod * per_producer
  assert(total % nconsumers == 0)
  local Q = solution()
  local sys, state, registry = platform.real(dk, nil)
  Q.new(capacity, sys)
  state.constructing = false
  local src = solution_source()
  local function worker(src, platform_src, registry, capacity, role, id, n)
    local dk = require "designkit"
    local Q = load(src, "=solution.lua", "t")()
    local P = load(platform_src, "=platform", "t")()
    local sys, state = P.real(dk, registry)
    local q = Q.new(capacity, sys)
    state.constructing = false
    local took = {}
    if role == "put" then
      for i = 1, n do q:put(id * 1000 + i) end
    else
      for i = 1, n do took[i] = q:take() end
    end
    return took
  end
  local threads, puts = {}, {}
  for p = 1, nprod do
    puts[p] = values(p, per_producer)
    threads[#threads + 1] = dk.thread(worker, src, PLATFORM, registry, capacity, "put", p, per_producer)
  end
  for c = 1, nconsumers do
    threads[#threads + 1] = dk.thread(worker, src, PLATFORM, registry, capacity, "take", c, total // nconsumers)
  end
  local takes, errors = {}, {}
  for i, t in ipairs(threads) do
    local ok, took = pcall(t.join, t)
    if not ok then errors[#errors + 1] = tostring(took):match("^[^\n]*") -- the message, not the traceback
    elseif i > nprod then takes[#takes + 1] = took end
  end
  return puts, takes, errors
end

task("Real threads", function()
  it("2 producers x 2 consumers on real threads, capacity 1: 200 values, none lost or doubled", function()
    local puts, takes, errors = real_run(1, 2, 100, 2)
    expect(errors[1], "a thread raised an error"):to_be(nil)
    expect(delivery_problem(puts, takes), "what the consumers took"):to_be(nil)
  end, { timeout = 120, instructions = 2e9 })

  it("3 producers x 2 consumers on real threads, capacity 4: 600 values, none lost or doubled", function()
    local puts, takes, errors = real_run(4, 3, 200, 2)
    expect(errors[1], "a thread raised an error"):to_be(nil)
    expect(delivery_problem(puts, takes), "what the consumers took"):to_be(nil)
  end, { timeout = 120, instructions = 2e9 })

  it("1 producer x 3 consumers on real threads, capacity 1: 300 values, none lost or doubled", function()
    local puts, takes, errors = real_run(1, 1, 300, 3)
    expect(errors[1], "a thread raised an error"):to_be(nil)
    expect(delivery_problem(puts, takes), "what the consumers took"):to_be(nil)
  end, { timeout = 120, instructions = 2e9 })

end)
