-- designkit.explore_run: one run of a program under dk.explore (designkit.explore): its
-- threads as coroutines, the shared objects a thread reaches the scheduler through, and the
-- operations' semantics. The search over schedules, the options and the report are in
-- designkit.explore; this file knows nothing of them beyond the `choose` function it is handed.
--
-- A thread runs alone until it reaches one of the explorer's operations (a cell's get or set,
-- a mutex, a semaphore, a condition variable, an atomic counter); there it yields the operation
-- *before* doing it, so the scheduler decides which thread's pending operation happens next.
--
-- Everything a script could replace (coroutine.resume, pcall, string.format) is taken here,
-- when designkit loads and before any script runs, so a thread that swaps them changes its own
-- world and not the verdict.

local co_create, co_resume, co_yield = coroutine.create, coroutine.resume, coroutine.yield
local co_running, co_status = coroutine.running, coroutine.status
local error, pcall, type = error, pcall, type
local ipairs, pairs, tostring, rawequal = ipairs, pairs, tostring, rawequal
local setmetatable, math_type, floor = setmetatable, math.type, math.floor
local format, concat, insert, remove = string.format, table.concat, table.insert, table.remove
local sort = table.sort
-- From here on a global is an error: nothing a script changes reaches this file.
local _ENV = nil

-- The value a thread yields with each operation, and the one the scheduler resumes it with:
-- private tables, so a `coroutine.yield` in a thread, or a resume from outside, is told apart
-- from the explorer's own and refused instead of taken for an operation or a result.
local OP_KEY, RESUME_KEY = {}, {}

-- The run in progress (one execution of the program, one schedule), or nil.
local current

-- Each object's state, keyed by the handle the script holds; the handle itself is an empty
-- table, so a script cannot reach an object's value or owner except through its methods.
local state = setmetatable({}, { __mode = "k" })

-- ---- messages ----

local function raise_at(msg, level) error(msg, level) end

-- "file:line: " of the function `level` frames up (1: where's own caller), found the way
-- error() finds it, since a sandboxed script has no debug library.
local function where(level)
  local _, m = pcall(raise_at, "", level + 3)
  return type(m) == "string" and m or ""
end

-- A thread's error object as text. A script can throw anything, a table whose __tostring
-- raises or returns a table included: that must give a message, not a second error.
local function error_text(e)
  local t = type(e)
  if t == "string" then return e end
  if t == "number" or t == "boolean" or t == "nil" then return tostring(e) end
  local ok, s = pcall(tostring, e)
  if ok and type(s) == "string" then return s end
  return "(an error object of type " .. t .. " whose __tostring failed)"
end

-- The host's stops (a limit reached, Ctrl-C) and running out of memory are not the program's
-- bugs: they leave dk.explore as they came instead of becoming a failure of the program.
local function is_stop(e)
  return e == "the command was stopped" or e == "not enough memory"
end

local function show(v)
  local t = type(v)
  if t == "string" then
    if #v > 40 then v = v:sub(1, 37) .. "..." end
    return (format("%q", v):gsub("\\\n", "\\n")) -- one trace line per step
  elseif t == "number" then
    if math_type(v) == "integer" then return format("%d", v) end
    return format("%.14g", v)
  elseif t == "boolean" or t == "nil" then
    return tostring(v)
  end
  return t -- never a table's __tostring: the report must not run script code
end

-- Raised in a thread (or wherever the misuse happened) and noted on the run too, so that a
-- thread's pcall that swallows it does not hide it: the exploration stops with it either way.
local function misuse(msg, level)
  msg = where(level + 1) .. "explore: " .. msg
  if current then current.misuse = current.misuse or msg end
  error(msg, 0)
end

-- ---- the objects ----

local KINDS = {} -- kind name -> metatable

local function describe(o) return format('%s "%s"', o.kind, o.name) end

-- The state of handle `h` for an operation `op`, checked: a handle of ours, of the run in
-- progress. `level` locates a misuse at the script's line.
local function object_of(h, kind, op)
  local o = state[h]
  if o == nil or o.kind ~= kind then
    misuse(format("%s:%s() called on %s, not on a %s (write x:%s(), not x.%s())", kind, op,
                  type(h) == "table" and "another table" or type(h), kind, op, op), 3)
  end
  if current == nil or o.run ~= current then
    misuse(format("%s: %s() outside dk.explore: an object lives only during the run that made it",
                  describe(o), op), 3)
  end
  return o
end

-- Does what the run's phase allows for an operation of `o`. From a thread of the run: returns
-- the thread. From setup (every operation that does not block) or from invariant, check and
-- final (reads only): returns nil, and the caller does the operation at once.
local function caller(o, op, read, blocks)
  local run = current
  local me = co_running()
  local t = run.by_co[me]
  if t then return t end
  if run.phase == "threads" and run.active then
    misuse(format("%s: %s() from a coroutine that thread %d made: the explorer's operations run " ..
                  "on the thread's own coroutine", describe(o), op, run.active.id), 3)
  end
  if run.phase == "setup" and not blocks then return nil end
  if run.phase == "observe" and read then return nil end
  misuse(format("%s: %s() outside a thread: %s", describe(o), op,
                run.phase == "setup" and "setup may not block" or
                "invariant, check and final may only read"), 3)
end

-- Yields operation `op` of thread `t` to the scheduler and returns its result. The objects
-- it touches decide which operations it does not commute with (the partial-order reduction).
local function perform(t, op)
  local key, result = co_yield(OP_KEY, op)
  if not rawequal(key, RESUME_KEY) then
    misuse(format("thread %d was resumed from outside the explorer while it waited at %s",
                  t.id, op.name), 3)
  end
  return result
end

local function new_op(t, name, o, read, extra)
  local op = extra or {}
  op.name, op.obj, op.read, op.thread = name, o, read, t
  op.objs = op.objs or { o }
  return op
end

local Cell, Mutex, Semaphore, Condition, Counter = {}, {}, {}, {}, {}

function Cell.get(h)
  local o = object_of(h, "cell", "get")
  local t = caller(o, "get", true, false)
  if not t then return o.value end
  local v = perform(t, new_op(t, "get", o, true))
  return v
end

function Cell.set(h, v)
  local o = object_of(h, "cell", "set")
  local t = caller(o, "set", false, false)
  if not t then o.value = v return end
  perform(t, new_op(t, "set", o, false, { arg = v }))
end

function Mutex.lock(h)
  local o = object_of(h, "mutex", "lock")
  local t = caller(o, "lock", false, true)
  perform(t, new_op(t, "lock", o, false))
end

function Mutex.try_lock(h)
  local o = object_of(h, "mutex", "try_lock")
  local t = caller(o, "try_lock", false, true)
  local v = perform(t, new_op(t, "try_lock", o, false))
  return v
end

function Mutex.unlock(h)
  local o = object_of(h, "mutex", "unlock")
  local t = caller(o, "unlock", false, true)
  if o.owner ~= t then
    misuse(format("thread %d unlocks %s, which %s", t.id, describe(o),
                  o.owner and format("thread %d holds", o.owner.id) or "nobody holds"), 2)
  end
  perform(t, new_op(t, "unlock", o, false))
end

function Semaphore.acquire(h)
  local o = object_of(h, "semaphore", "acquire")
  local t = caller(o, "acquire", false, true)
  perform(t, new_op(t, "acquire", o, false))
end

function Semaphore.try_acquire(h)
  local o = object_of(h, "semaphore", "try_acquire")
  local t = caller(o, "try_acquire", false, true)
  local v = perform(t, new_op(t, "try_acquire", o, false))
  return v
end

function Semaphore.release(h)
  local o = object_of(h, "semaphore", "release")
  local t = caller(o, "release", false, false)
  if not t then o.count = o.count + 1 return end
  perform(t, new_op(t, "release", o, false))
end

function Condition.wait(h, m)
  local o = object_of(h, "condition", "wait")
  local t = caller(o, "wait", false, true)
  local mo = state[m]
  if mo == nil or mo.kind ~= "mutex" or mo.run ~= o.run then
    misuse(format("%s: wait(m) needs the mutex it releases while waiting (got %s)",
                  describe(o), mo and describe(mo) or type(m)), 2)
  end
  if mo.owner ~= t then
    misuse(format("thread %d waits on %s without holding %s", t.id, describe(o), describe(mo)), 2)
  end
  perform(t, new_op(t, "wait", o, false, { mutex = mo, objs = { o, mo } }))
end

function Condition.signal(h)
  local o = object_of(h, "condition", "signal")
  local t = caller(o, "signal", false, true)
  perform(t, new_op(t, "signal", o, false))
end

function Condition.broadcast(h)
  local o = object_of(h, "condition", "broadcast")
  local t = caller(o, "broadcast", false, true)
  perform(t, new_op(t, "broadcast", o, false))
end

local function check_integer(o, op, v, what)
  if math_type(v) ~= "integer" then
    misuse(format("%s: %s(%s) needs an integer (got %s)", describe(o), op, what, show(v)), 3)
  end
end

function Counter.get(h)
  local o = object_of(h, "counter", "get")
  local t = caller(o, "get", true, false)
  if not t then return o.value end
  local v = perform(t, new_op(t, "get", o, true))
  return v
end

function Counter.add(h, d)
  local o = object_of(h, "counter", "add")
  if d == nil then d = 1 end
  check_integer(o, "add", d, "delta")
  local t = caller(o, "add", false, false)
  if not t then o.value = o.value + d return o.value end
  local v = perform(t, new_op(t, "add", o, false, { arg = d }))
  return v
end

function Counter.cas(h, expected, new)
  local o = object_of(h, "counter", "cas")
  check_integer(o, "cas", expected, "expected")
  check_integer(o, "cas", new, "new")
  local t = caller(o, "cas", false, false)
  if not t then
    if o.value ~= expected then return false end
    o.value = new
    return true
  end
  local v = perform(t, new_op(t, "cas", o, false, { arg = expected, arg2 = new }))
  return v
end

for kind, methods in pairs { cell = Cell, mutex = Mutex, semaphore = Semaphore,
                             condition = Condition, counter = Counter } do
  KINDS[kind] = {
    __index = methods,
    __metatable = false,
    __name = "dk.explore." .. kind,
    __tostring = function(h)
      local o = state[h]
      return o and describe(o) or kind
    end,
  }
end

-- ---- the factory handed to setup ----

local Factory = {}
Factory.__index = Factory
Factory.__metatable = false

local function make(x, kind, name, fields)
  local run = state[x]
  if run == nil or run ~= current or current.phase ~= "setup" then
    misuse(kind .. "(): objects are made in setup, through the value setup receives", 3)
  end
  if name == nil then
    name = kind .. " " .. (#run.objects + 1)
  elseif type(name) ~= "string" then
    misuse(format("%s(name): the name must be a string (got %s)", kind, type(name)), 3)
  end
  local o = fields
  o.kind, o.name, o.run, o.id = kind, name, run, #run.objects + 1
  run.objects[o.id] = o
  local h = setmetatable({}, KINDS[kind])
  state[h] = o
  return h
end

function Factory.cell(x, name, value)
  local h = make(x, "cell", name, { value = value })
  return h
end

function Factory.mutex(x, name)
  local h = make(x, "mutex", name, {})
  return h
end

function Factory.semaphore(x, name, count)
  if count == nil then count = 1 end
  if math_type(count) ~= "integer" or count < 0 then
    misuse(format("semaphore(name, count): count must be an integer >= 0 (got %s)", show(count)), 2)
  end
  local h = make(x, "semaphore", name, { count = count })
  return h
end

function Factory.condition(x, name)
  local h = make(x, "condition", name, { waiters = {}, signals = {} })
  return h
end

function Factory.counter(x, name, value)
  if value == nil then value = 0 end
  if math_type(value) ~= "integer" then
    misuse(format("counter(name, value): value must be an integer (got %s)", show(value)), 2)
  end
  local h = make(x, "counter", name, { value = value })
  return h
end

-- ---- operations: when they can run, and what they do ----

-- The oldest signal of condition o that may wake thread t (t was waiting when it was sent),
-- or nil. POSIX leaves open which waiter a signal wakes, so a signal is not given to a waiter
-- when it is sent: it waits, with the set of threads it may wake, and the scheduler's choice of
-- which of them retakes the mutex first decides, so that every choice is explored.
local function signal_for(o, t)
  for i, s in ipairs(o.signals) do
    if s[t] then return i end
  end
  return nil
end

local function woken(t)
  local op = t.pending
  return t.signalled or signal_for(op.obj, t) ~= nil
end

local function enabled(t)
  local op = t.pending
  if op == nil then return false end
  local n, o = op.name, op.obj
  if n == "lock" then return o.owner == nil end
  if n == "acquire" then return o.count > 0 end
  if n == "wake" then return op.mutex.owner == nil and woken(t) end
  return true
end

local function dependent(a, b)
  if a.read and b.read then return false end
  for _, x in ipairs(a.objs) do
    for _, y in ipairs(b.objs) do
      if x == y then return true end
    end
  end
  return false
end

local function record_lock(run, t, m)
  for _, h in ipairs(t.holds) do
    if h ~= m then run.on_lock(run, t, h, m) end
  end
  t.holds[#t.holds + 1] = m
end

local function release_lock(t, m)
  for i = #t.holds, 1, -1 do
    if t.holds[i] == m then remove(t.holds, i) return end
  end
end

-- Does thread t's pending operation. Returns its result, the text of the trace's value column,
-- and whether the thread goes on (false: it now waits on a condition variable).
local function apply(run, t)
  local op = t.pending
  local n, o = op.name, op.obj
  if n == "get" then
    return o.value, "-> " .. show(o.value), true
  elseif n == "set" then
    o.value = op.arg
    return nil, "<- " .. show(op.arg), true
  elseif n == "lock" then
    o.owner = t
    record_lock(run, t, o)
    return nil, "", true
  elseif n == "try_lock" then
    if o.owner ~= nil then return false, "-> false (held)", true end
    o.owner = t
    record_lock(run, t, o)
    return true, "-> true", true
  elseif n == "unlock" then
    o.owner = nil
    release_lock(t, o)
    return nil, "", true
  elseif n == "acquire" then
    o.count = o.count - 1
    return nil, format("(count now %d)", o.count), true
  elseif n == "try_acquire" then
    if o.count == 0 then return false, "-> false (count 0)", true end
    o.count = o.count - 1
    return true, format("-> true (count now %d)", o.count), true
  elseif n == "release" then
    o.count = o.count + 1
    return nil, format("(count now %d)", o.count), true
  elseif n == "wait" then
    local m = op.mutex
    m.owner = nil
    release_lock(t, m)
    t.signalled = false
    o.waiters[#o.waiters + 1] = t
    t.pending = new_op(t, "wake", o, false, { mutex = m, objs = { o, m } })
    return nil, format("(releases %s)", describe(m)), false
  elseif n == "wake" then
    local m = op.mutex
    if not t.signalled then remove(o.signals, signal_for(o, t)) end
    for i = #o.waiters, 1, -1 do
      if o.waiters[i] == t then remove(o.waiters, i) end
    end
    for _, s in ipairs(o.signals) do s[t] = nil end -- no longer waiting: later signals are not its
    m.owner = t
    record_lock(run, t, m)
    return nil, format("(retakes %s)", describe(m)), true
  elseif n == "signal" or n == "broadcast" then
    -- The waiters a broadcast has not woken already. When the signals still pending are as
    -- many, each of them is already to be woken, and this one is lost as a real one would be.
    local free, ids = {}, {}
    for _, w in ipairs(o.waiters) do
      if not w.signalled then
        free[#free + 1] = w
        ids[#ids + 1] = tostring(w.id)
      end
    end
    if #free == 0 then return nil, "(nobody waits)", true end
    if n == "signal" and #o.signals >= #free then
      return nil, "(every waiter is already to be woken)", true
    end
    if n == "broadcast" then
      for _, w in ipairs(free) do w.signalled = true end
      o.signals = {}
      return nil, "(wakes thread" .. (#ids > 1 and "s " or " ") .. concat(ids, ", ") .. ")", true
    end
    local s = {}
    for _, w in ipairs(free) do s[w] = true end
    o.signals[#o.signals + 1] = s
    if #free == 1 then return nil, "(wakes thread " .. ids[1] .. ")", true end
    sort(ids, function(x, y) return #x < #y or #x == #y and x < y end)
    return nil, "(wakes one of threads " .. concat(ids, ", ") .. ")", true
  elseif n == "add" then
    o.value = o.value + op.arg
    return o.value, format("%+d -> %d", op.arg, o.value), true
  elseif n == "cas" then
    if o.value ~= op.arg then
      return false, format("%d -> %d: false (is %d)", op.arg, op.arg2, o.value), true
    end
    o.value = op.arg2
    return true, format("%d -> %d: true", op.arg, op.arg2), true
  end
  error("explore: unknown operation " .. tostring(n)) -- not reached: ops are made here
end

-- ---- one run of the program ----

-- Runs the function `f(...)` as part of the run's phase `phase`; returns ok, value or
-- false, message. A host stop leaves as it came.
-- Calls the script's `what` function f (setup, invariant, check, final) on a coroutine of its
-- own, as pcall would: a coroutine.yield in it is refused rather than passed to whatever
-- resumed the caller of dk.explore (a handler's coroutine, say).
local function call_alone(what, f, ...)
  local co = co_create(f)
  local ok, v = co_resume(co, ...)
  if ok and co_status(co) ~= "dead" then
    error("explore: " .. what .. " called coroutine.yield: only threads pause, at the " ..
          "explorer's operations", 0)
  end
  return ok, v
end

local function observe(run, phase, what, f, ...)
  run.phase = phase
  local ok, v = call_alone(what, f, ...)
  run.phase = "threads"
  if run.misuse then error(run.misuse, 0) end
  if not ok then
    if is_stop(v) then error(v, 0) end
    return false, error_text(v)
  end
  return true, v
end

-- Resumes thread t (with its operation's result, or to start it) until its next operation.
-- Returns nil, or a failure {kind, message} when the thread raised.
local function step_thread(run, t, ...)
  if co_status(t.co) ~= "suspended" then
    error(format("explore: thread %d's coroutine was closed or resumed from outside the explorer",
                 t.id), 0)
  end
  run.active = t
  local ok, key, op = co_resume(t.co, ...)
  run.active = nil
  if run.misuse then error(run.misuse, 0) end
  if not ok then
    if is_stop(key) then error(key, 0) end
    t.pending, t.finished = nil, true
    return { kind = "assertion", message = format("thread %d: %s", t.id, error_text(key)) }
  end
  if co_status(t.co) == "dead" then
    t.pending, t.finished = nil, true
    return nil
  end
  if not rawequal(key, OP_KEY) or type(op) ~= "table" or op.thread ~= t then
    error(format("explore: thread %d called coroutine.yield: a thread pauses only at the " ..
                 "explorer's operations (a coroutine the thread makes may yield within it)", t.id), 0)
  end
  t.pending = op
  return nil
end

local function new_run(on_lock)
  return { objects = {}, by_co = setmetatable({}, { __mode = "k" }), threads = {}, trace = {},
           phase = "setup", on_lock = on_lock }
end

local function pending_text(t)
  local op = t.pending
  if op.name == "wake" then
    return format("waits on %s to be signalled, then for %s", describe(op.obj), describe(op.mutex))
  end
  return format("%s %s", op.name, describe(op.obj))
end

-- The deadlock's message: who holds what, who waits for what, and the wait-for cycle through
-- the mutexes when there is one.
local function deadlock_message(run)
  local lines = { "deadlock: every unfinished thread is blocked" }
  local waits_for = {}
  for _, t in ipairs(run.threads) do
    if not t.finished then
      local held = {}
      for _, m in ipairs(t.holds) do held[#held + 1] = describe(m) end
      local op = t.pending
      local why
      if op.name == "lock" then
        why = format("waits for %s, held by thread %d", describe(op.obj), op.obj.owner.id)
        waits_for[t] = op.obj.owner
      elseif op.name == "acquire" then
        why = format("waits for %s (count 0)", describe(op.obj))
      elseif op.name == "wake" and not woken(t) then
        why = format("waits on %s, which nobody is left to signal", describe(op.obj))
      else
        why = format("was signalled by %s and waits for %s, held by thread %d",
                     describe(op.obj), describe(op.mutex), op.mutex.owner.id)
        waits_for[t] = op.mutex.owner
      end
      lines[#lines + 1] = format("  thread %d holds %s and %s", t.id,
                                 #held > 0 and concat(held, ", ") or "nothing", why)
    end
  end
  for _, start in ipairs(run.threads) do
    local seen, path, t = {}, {}, start
    while t and not seen[t] do
      seen[t] = #path + 1
      path[#path + 1] = t
      t = waits_for[t]
    end
    if t then
      local cycle = {}
      for i = seen[t], #path do cycle[#cycle + 1] = "thread " .. path[i].id end
      cycle[#cycle + 1] = "thread " .. t.id
      lines[#lines + 1] = "  wait-for cycle: " .. concat(cycle, " -> ")
      break
    end
  end
  return concat(lines, "\n")
end

-- Runs the program once. `choose(run, candidates, step)` picks the next thread among the
-- enabled ones, or returns nil to abandon the run. Returns the run, its failure or nil, and
-- whether it ran to its end (every thread finished).
local function run_once(program, choose, on_lock)
  local run = new_run(on_lock)
  local x = setmetatable({}, Factory)
  state[x] = run
  current = run
  local shared
  if program.setup then
    run.phase = "setup"
    local ok, v = call_alone("setup", program.setup, x)
    if run.misuse then error(run.misuse, 0) end
    if not ok then
      if is_stop(v) then error(v, 0) end
      error("explore: setup: " .. error_text(v), 0)
    end
    shared = v
  end
  run.phase = "threads"
  run.shared = shared
  for i, f in ipairs(program.threads) do
    local t = { id = i, co = co_create(f), holds = {} }
    run.threads[i] = t
    run.by_co[t.co] = t
  end
  for _, t in ipairs(run.threads) do
    local failure = step_thread(run, t, shared, t.id)
    if failure then return run, failure end
  end
  local function check_invariant()
    if not program.invariant then return nil end
    local ok, v = observe(run, "observe", "invariant", program.invariant, shared)
    if not ok then return { kind = "invariant", message = "invariant: " .. v } end
    if v == false then
      return { kind = "invariant", message = format("invariant false after step %d", #run.trace) }
    end
  end
  local failure = check_invariant()
  if failure then return run, failure end
  while true do
    local candidates, unfinished = {}, false
    for _, t in ipairs(run.threads) do
      if not t.finished then unfinished = true end
      if enabled(t) then candidates[#candidates + 1] = t end
    end
    if #candidates == 0 then
      if unfinished then return run, { kind = "deadlock", message = deadlock_message(run) } end
      break
    end
    if #run.trace >= program.max_steps then
      return run, { kind = "step-limit", message = format(
        "the schedule ran %d steps without ending (max_steps): does a thread spin on a cell? " ..
        "wait on a condition variable instead, or raise max_steps", #run.trace) }
    end
    local t = choose(run, candidates, #run.trace + 1)
    if t == nil then return run, nil, false end
    local op = t.pending
    local text = op.name == "wake" and "wakes " .. describe(op.obj) or
                 op.name .. " " .. describe(op.obj)
    local result, value, goes_on = apply(run, t)
    local n = #run.trace + 1
    run.trace[n] = { step = n, thread = t.id, op = op.name, object = describe(op.obj),
                     value = value, text = text }
    run.last = t
    if goes_on then
      failure = step_thread(run, t, RESUME_KEY, result)
      if failure then return run, failure end
    end
    failure = check_invariant()
    if failure then return run, failure end
  end
  if program.check then
    local ok, v = observe(run, "observe", "check", program.check, shared)
    if not ok then return run, { kind = "assertion", message = "check: " .. v } end
    if v == false then return run, { kind = "assertion", message = "check returned false" } end
  end
  if program.final then
    local ok, v = observe(run, "observe", "final", program.final, shared)
    if not ok then error("explore: final: " .. v, 0) end
    local tv = type(v)
    if tv ~= "number" and tv ~= "string" and tv ~= "boolean" then
      error(format("explore: final must return a number, a string or a boolean (got %s)", tv), 0)
    end
    run.final = v
  end
  return run, nil, true
end

-- ---- what designkit.explore uses ----

return {
  run_once = run_once,
  enabled = enabled,
  dependent = dependent,
  pending_text = pending_text,
  show = show,
  where = where,
  is_stop = is_stop,
  -- Whether a run is in progress (dk.explore inside a thread), and the end of one.
  busy = function() return current ~= nil end,
  misuse = misuse,
  finish = function() current = nil end,
}
