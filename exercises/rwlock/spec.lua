-- Spec of the rwlock exercise (docs/exercises/rwlock.md).
-- Every test runs a small program under dk.explore, complete search: the lock is built from the
-- platform `sys` below (the explorer's mutexes, conditions and cells, wrapped), and the spec's
-- own threads record what happens around each call.
--
-- The starvation property, exactly. A call to read_lock or write_lock *arrives* when its first
-- operation on a sys object completes (for the usual lock: when it holds the lock's mutex for
-- the first time), or when it returns if it made none; it *enters* when it returns. Then:
--   for every writer call W and reader call R, if W arrives before R, W enters before R.
-- Readers that arrive while a writer waits queue behind it; readers already inside finish.
local dk = require "designkit"

-- ---- the platform, with the arrival stamps ----

-- Events are numbered in the order they happen; all threads run on one OS thread under the
-- explorer, so a plain counter is a total order.
local function new_log()
  local log = { clock = 0, calls = {}, by_thread = {}, ids = {} }
  function log.tick()
    log.clock = log.clock + 1
    return log.clock
  end
  -- The call the current thread is making, if any (threads are the explorer's coroutines).
  function log.current()
    local id = log.ids[coroutine.running()]
    return id and log.by_thread[id]
  end
  return log
end

local function platform(x, log)
  local state = { constructing = true }
  local function usable(what)
    if state.constructing then
      error(what .. ": RWLock.new must only make objects through sys (a cell takes its first " ..
        "value from sys.cell), not use them", 3)
    end
  end
  local function arrived()
    local call = log.current()
    if call and not call.arrived then call.arrived = log.tick() end
  end
  local Mutex, Cond, Cell = {}, {}, {}
  Mutex.__index, Cond.__index, Cell.__index = Mutex, Cond, Cell
  function Mutex:lock() usable("lock"); self.o:lock(); arrived() end
  function Mutex:unlock() usable("unlock"); self.o:unlock(); arrived() end
  function Cond:wait(m)
    usable("wait")
    if getmetatable(m) ~= Mutex then error("wait: expects a mutex made by sys.mutex", 2) end
    self.o:wait(m.o); arrived()
  end
  function Cond:signal() usable("signal"); self.o:signal(); arrived() end
  function Cond:broadcast() usable("broadcast"); self.o:broadcast(); arrived() end
  function Cell:get() usable("get"); local v = self.o:get(); arrived(); return v end
  function Cell:set(v) usable("set"); self.o:set(v); arrived() end
  local n = 0
  local function named(kind, name)
    if name ~= nil and type(name) ~= "string" then
      error("sys." .. kind .. ": the name must be a string or nil (got " .. type(name) .. ")", 3)
    end
    n = n + 1
    return name or (kind .. n)
  end
  local sys = {}
  function sys.mutex(name) return setmetatable({ o = x:mutex(named("mutex", name)) }, Mutex) end
  function sys.condition(name) return setmetatable({ o = x:condition(named("condition", name)) }, Cond) end
  function sys.cell(name, value) return setmetatable({ o = x:cell(named("cell", name), value) }, Cell) end
  return sys, state
end

-- ---- the programs ----

-- roles: a list of strings, one per thread, each a sequence of "r" (a read section) and "w"
-- (a write section), e.g. { "rr", "w", "r" }. Inside a section a reader reads the shared data
-- (two cells a writer sets to the same value one after the other) and a writer writes it: each
-- access is a step, so the explorer can switch threads inside a section.
local function program(RW, roles, extra)
  extra = extra or {}
  local threads = {}
  for t, role in ipairs(roles) do
    threads[t] = function(s, id)
      s.log.ids[coroutine.running()] = id
      for k = 1, #role do
        local kind = role:sub(k, k) == "w" and "write" or "read"
        local call = { thread = id, kind = kind, n = k }
        s.log.calls[#s.log.calls + 1] = call
        s.log.by_thread[id] = call
        if kind == "write" then s.lock:write_lock() else s.lock:read_lock() end
        s.log.by_thread[id] = nil
        if not call.arrived then call.arrived = s.log.tick() end
        call.entered = s.log.tick()
        if kind == "write" then
          s.writers = s.writers + 1
          local v = s.a:get() + 1
          s.a:set(v)
          s.b:set(v)
          s.writers = s.writers - 1
          s.lock:write_unlock()
        else
          s.readers = s.readers + 1
          s.max_readers = math.max(s.max_readers, s.readers)
          local a = s.a:get()
          local b = s.b:get()
          if a ~= b then error(("thread %d read a torn value: a = %d, b = %d"):format(id, a, b), 0) end
          if extra.meet then extra.meet(s, id) end
          s.readers = s.readers - 1
          s.lock:read_unlock()
        end
      end
    end
  end
  return {
    setup = function(x)
      local log = new_log()
      local sys, state = platform(x, log)
      local lock = RW.new(sys)
      state.constructing = false
      local s = { lock = lock, log = log, a = x:cell("data.a", 0), b = x:cell("data.b", 0),
                  readers = 0, writers = 0, max_readers = 0 }
      if extra.setup then extra.setup(x, s) end
      return s
    end,
    threads = threads,
    invariant = function(s)
      if s.writers > 1 then error("two writers inside at once", 0) end
      if s.writers == 1 and s.readers > 0 then
        error(("a writer and %d reader(s) inside at once"):format(s.readers), 0)
      end
      return true
    end,
    check = extra.check,
    final = extra.final,
  }
end

-- nil, or the first pair of calls that breaks the starvation property, as a sentence.
local function starvation_problem(log)
  for _, w in ipairs(log.calls) do
    if w.kind == "write" then
      for _, r in ipairs(log.calls) do
        if r.kind == "read" and w.arrived < r.arrived and r.entered < w.entered then
          return ("thread %d's read_lock (call %d) arrived at event %d, after thread %d's " ..
            "write_lock (call %d, arrived at event %d), but entered first (event %d, the writer at %d)")
            :format(r.thread, r.n, r.arrived, w.thread, w.n, w.arrived, r.entered, w.entered)
        end
      end
    end
  end
  return nil
end

local function no_starvation(s)
  local problem = starvation_problem(s.log)
  if problem then error("writer starvation: " .. problem, 0) end
  return true
end

local function report(r)
  local text = r:report()
  if #text > 3000 then text = text:sub(1, 3000) .. "\n..." end
  return text
end

local function expect_all_schedules_pass(r, what)
  expect(r.ok, what .. ": every schedule should pass, but one failed:\n" .. report(r)):to_be(true)
  expect(r.complete, what .. ": the search should be complete (no bound cut it)"):to_be(true)
end

-- A lock the spec knows starves writers: readers walk in whenever no writer is inside.
local ReaderFirst = {}
ReaderFirst.__index = ReaderFirst
function ReaderFirst.new(sys)
  return setmetatable({ lock = sys.mutex("lock"), changed = sys.condition("changed"),
    readers = sys.cell("readers", 0), writing = sys.cell("writing", false) }, ReaderFirst)
end
function ReaderFirst:read_lock()
  self.lock:lock()
  while self.writing:get() do self.changed:wait(self.lock) end
  self.readers:set(self.readers:get() + 1)
  self.lock:unlock()
end
function ReaderFirst:read_unlock()
  self.lock:lock()
  self.readers:set(self.readers:get() - 1)
  self.changed:broadcast()
  self.lock:unlock()
end
function ReaderFirst:write_lock()
  self.lock:lock()
  while self.writing:get() or self.readers:get() > 0 do self.changed:wait(self.lock) end
  self.writing:set(true)
  self.lock:unlock()
end
function ReaderFirst:write_unlock()
  self.lock:lock()
  self.writing:set(false)
  self.changed:broadcast()
  self.lock:unlock()
end

-- ---- task 1 ----

task("Many readers or one writer", function()
  it("one thread: read, write, read again (each call returns)", function()
    local r = dk.explore(program(solution(), { "rwr" }))
    expect_all_schedules_pass(r, "one thread: read, write, read")
  end)

  it("two writers are never inside at once (complete search)", function()
    local r = dk.explore(program(solution(), { "w", "w" }, {
      final = function(s) return s.a:get() end,
      check = function(s)
        if s.a:get() ~= 2 then error("two writes should leave data.a = 2, got " .. s.a:get(), 0) end
        return true
      end,
    }))
    expect_all_schedules_pass(r, "two writers")
  end)

  it("a writer is never inside with a reader (reader, writer, reader; complete search)", function()
    local r = dk.explore(program(solution(), { "r", "w", "r" }))
    expect_all_schedules_pass(r, "reader, writer, reader")
  end)

  it("readers share: two readers inside wait for each other and both get out", function()
    -- Each reader, holding the read lock, signals its arrival and waits for the other's: a lock
    -- that lets only one reader in at a time leaves them both waiting (a deadlock).
    local r = dk.explore(program(solution(), { "r", "r" }, {
      setup = function(x, s) s.here = { x:semaphore("reader1 inside", 0), x:semaphore("reader2 inside", 0) } end,
      meet = function(s, id)
        s.here[id]:release()
        s.here[3 - id]:acquire()
        s.here[3 - id]:release()
      end,
    }))
    expect_all_schedules_pass(r, "two readers meeting inside the read lock")
  end)

  it("new rejects a missing platform, naming sys", function()
    local RW = solution()
    expect(function() RW.new(nil) end, "RWLock.new(nil)"):to_fail("sys")
  end)
end)

-- ---- task 2 ----

task("No writer starvation", function()
  it("a reader that arrives while a writer waits enters after it (reader, writer, reader)", function()
    local r = dk.explore(program(solution(), { "r", "w", "r" }, { check = no_starvation }))
    expect_all_schedules_pass(r, "reader, writer, reader; the starvation property")
  end)

  it("a relay of readers cannot keep a writer out (a reader of 2 sections, a reader, a writer)", function()
    local r = dk.explore(program(solution(), { "rr", "r", "w" }, { check = no_starvation }))
    expect_all_schedules_pass(r, "readers rr, r and a writer; the starvation property")
  end, { timeout = 120, instructions = 2e9 })

  it("two writers and a reader: exclusion and no starvation (complete search)", function()
    local r = dk.explore(program(solution(), { "w", "r", "w" }, {
      check = function(s)
        if s.a:get() ~= 2 then error("two writes should leave data.a = 2, got " .. s.a:get(), 0) end
        return no_starvation(s)
      end,
    }))
    expect_all_schedules_pass(r, "w, r, w; the starvation property")
  end, { timeout = 120, instructions = 2e9 })

  it("a writer writes twice between readers: every write goes in, no starvation", function()
    local r = dk.explore(program(solution(), { "ww", "r", "r" }, {
      check = function(s)
        if s.a:get() ~= 2 then error("two writes should leave data.a = 2, got " .. s.a:get(), 0) end
        return no_starvation(s)
      end,
    }))
    expect_all_schedules_pass(r, "ww, r, r; the starvation property")
  end, { timeout = 120, instructions = 2e9 })

  it("the check can fail: a reader-preference lock starves the writer where yours does not", function()
    local roles = { "r", "w", "r" }
    local bad = dk.explore(program(ReaderFirst, roles, { check = no_starvation }))
    expect(bad.ok, "the spec's reader-preference lock should fail the starvation check"):to_be(false)
    expect(bad.failure.message, "its failure"):to_match("writer starvation")
    local r = dk.explore(program(solution(), roles, { check = no_starvation }))
    expect_all_schedules_pass(r, "the same program with your lock")
  end)
end)
