-- designkit.explore: dk.explore, a model checker for small concurrent programs written in Lua,
-- and dk.explore.replay. One run of the program is designkit.explore_run's; this file is the
-- search over schedules, the options, the lock-order graph and the report (docs/concurrency.md).
--
-- Every schedule is a sequence of choices of the thread that takes the next step; the search
-- enumerates them depth-first and, being stateless (CHESS), runs the program again from setup
-- for each one, so nothing has to be copied or undone.
--
-- Two things keep the search small. Sleep sets (Godefroid) skip a schedule that only swaps two
-- independent operations (on different objects, or two reads) of one already explored: every
-- reachable state is still visited and one complete schedule runs per class of equivalent
-- interleavings. A preemption bound (option) caps how often a thread that could go on is
-- switched away from; bugs need few preemptions in practice, and a bounded search says it was
-- not complete.
local dk = require "designkit"
local R = require "designkit.explore_run"
-- Out of a script's reach: a script that requires it gets a fresh instance, with no run of ours.
package.loaded["designkit.explore_run"] = nil

local error, pcall, type, next, ipairs, pairs = error, pcall, type, next, ipairs, pairs
local tostring, setmetatable, math_type, floor = tostring, setmetatable, math.type, math.floor
local format, concat, sort, max = string.format, table.concat, table.sort, math.max
local insert = table.insert
local run_once, enabled, dependent, show, where = R.run_once, R.enabled, R.dependent, R.show, R.where
-- From here on a global is an error: nothing a script changes reaches this file.
local _ENV = nil

-- ---- the report ----

local function schedule_text(schedule)
  local parts = {}
  for i, t in ipairs(schedule) do parts[i] = tostring(t) end
  return concat(parts, " ")
end

local function trace_lines(trace, out)
  local width = 1
  for _, e in ipairs(trace) do width = max(width, #e.text) end
  for _, e in ipairs(trace) do
    out[#out + 1] = format("  %3d  thread %d  %-" .. width .. "s  %s", e.step, e.thread, e.text,
                           e.value):gsub("%s+$", "")
  end
end

local function report(r)
  local out = {}
  local how = r.complete and "complete" or
              r.limit and "stopped: " .. r.limit or "stopped at the first failure"
  out[1] = format("dk.explore: %s: %d schedule%s, %d steps (search %s)",
                  r.ok and "ok" or "FAILED (" .. r.failure.kind .. ")", r.schedules,
                  r.schedules == 1 and "" or "s", r.steps, how)
  if r.finals and #r.finals > 0 then
    local vs = {}
    for i, v in ipairs(r.finals) do vs[i] = show(v) end
    out[#out + 1] = (r.complete and "final values: " or "final values seen: ") .. concat(vs, " ")
  end
  for _, c in ipairs(r.lock_cycles) do out[#out + 1] = c.message end
  local f = r.failure
  if f then
    if f.kind ~= "lock-order" then out[#out + 1] = f.message end
    out[#out + 1] = "schedule: " .. schedule_text(f.schedule) ..
                    "  (dk.explore.replay(program, r.failure.schedule) runs it again)"
    trace_lines(f.trace, out)
  end
  return concat(out, "\n")
end

local Result = { __index = { report = report }, __tostring = report, __metatable = false }

-- ---- options ----

local OPTIONS = { "check", "final", "invariant", "lock_order", "max_schedules", "max_steps",
                  "preemptions", "reduction", "setup", "threads" }
local OPTION_SET = {}
for _, k in ipairs(OPTIONS) do OPTION_SET[k] = true end

local function opt_fail(msg, depth) error("explore: " .. msg, 4 + (depth or 0)) end

local function count_opt(o, key, default, min)
  local v = o[key]
  if v == nil then return default end
  if math_type(v) ~= "integer" and not (type(v) == "number" and v == floor(v) and v < 2 ^ 53) then
    opt_fail(format("%s must be an integer (got %s)", key, show(v)), 1)
  end
  if v < min then opt_fail(format("%s must be >= %d (got %s)", key, min, show(v)), 1) end
  return floor(v)
end

local function program_of(o)
  if type(o) ~= "table" then opt_fail("expects a table of options (got " .. type(o) .. ")") end
  for k in next, o do
    if not OPTION_SET[k] then
      opt_fail(format('unknown option "%s" (valid: %s)', tostring(k), concat(OPTIONS, ", ")))
    end
  end
  local p = {}
  if type(o.threads) ~= "table" or o.threads[1] == nil then
    opt_fail("threads must be a list of functions, one per thread")
  end
  p.threads = {}
  for i, f in ipairs(o.threads) do
    if type(f) ~= "function" then
      opt_fail(format("threads[%d] must be a function (got %s)", i, type(f)))
    end
    p.threads[i] = f
  end
  for _, k in ipairs { "setup", "invariant", "check", "final" } do
    if o[k] ~= nil and type(o[k]) ~= "function" then
      opt_fail(format("%s must be a function (got %s)", k, type(o[k])))
    end
    p[k] = o[k]
  end
  p.preemptions = count_opt(o, "preemptions", nil, 0)
  p.max_schedules = count_opt(o, "max_schedules", 100000, 1)
  p.max_steps = count_opt(o, "max_steps", 10000, 1)
  for _, k in ipairs { "reduction", "lock_order" } do
    if o[k] ~= nil and type(o[k]) ~= "boolean" then
      opt_fail(format("%s must be true or false (got %s)", k, show(o[k])))
    end
  end
  p.reduction = o.reduction ~= false
  p.lock_order = o.lock_order ~= false
  return p
end

-- ---- lock order ----

-- The lock-order graph over every schedule explored: an edge a -> b for each thread that took
-- b while it held a (the first sighting kept). Mutexes are known by their number in setup's
-- order, the same in every run, since each run makes new objects.
-- A cycle whose edges come from two threads or more is a deadlock waiting for its schedule.
local function lock_graph(found)
  local edges, seen_cycle = {}, {}
  return function(run, t, a, b)
    local from = edges[a.id]
    if not from then from = {} edges[a.id] = from end
    local e = from[b.id]
    if not e then e = {} from[b.id] = e end
    if e[t.id] then return end
    e[t.id] = { thread = t.id, holds = a.name, takes = b.name, holds_id = a.id,
                step = #run.trace + 1 }
    -- Paths back from b to a, depth first; each edge is taken by some thread.
    local path, on_path = {}, { [b.id] = true }
    local function search(node)
      if node == a.id then return true end
      for nxt, by in pairs(edges[node] or {}) do
        if not on_path[nxt] or nxt == a.id then
          local _, info = next(by)
          for id, i in pairs(by) do
            if id ~= t.id then info = i break end
          end
          path[#path + 1] = info
          on_path[nxt] = true
          if search(nxt) then return true end
          on_path[nxt] = nil
          path[#path] = nil
        end
      end
      return false
    end
    if not search(b.id) then return end
    insert(path, 1, e[t.id])
    local threads, names, ids = {}, {}, {}
    for _, i in ipairs(path) do
      threads[i.thread] = true
      names[#names + 1] = i.holds
      ids[#ids + 1] = i.holds_id
    end
    if next(threads, next(threads)) == nil then return end -- one thread alone
    sort(ids)
    local key = concat(ids, " ")
    if seen_cycle[key] then return end
    seen_cycle[key] = true
    local parts = {}
    for _, i in ipairs(path) do
      parts[#parts + 1] = format('thread %d holds "%s" and takes "%s"', i.thread, i.holds, i.takes)
    end
    found[#found + 1] = {
      locks = names, edges = path,
      message = "lock-order inversion (a deadlock some schedule can reach): " .. concat(parts, "; "),
    }
  end
end

-- ---- the search ----

local function finals_of(set)
  local list = {}
  for v in pairs(set) do list[#list + 1] = v end
  sort(list, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "boolean" then return not a and b end
    return a < b
  end)
  return list
end

local function thread_ids(run)
  local s = {}
  for i, e in ipairs(run.trace) do s[i] = e.thread end
  return s
end

local function result_of(p, stats, failure, run, cycles, finals)
  local r = { ok = failure == nil and #cycles == 0, complete = stats.complete,
              schedules = stats.schedules, steps = stats.steps, limit = stats.limit,
              pruned = stats.pruned, lock_cycles = cycles }
  if failure then
    failure.trace = run.trace
    failure.schedule = thread_ids(run)
    r.failure = failure
  elseif #cycles > 0 and p.lock_order then
    local c = cycles[1]
    r.failure = { kind = "lock-order", message = c.message, trace = c.trace,
                  schedule = c.schedule, cycle = c.locks }
  elseif #cycles > 0 then
    r.ok = true
  end
  if p.final then r.finals = finals_of(finals) end
  return setmetatable(r, Result)
end

-- An error that leaves dk.explore names a place: the misuse's own line when it has one, else
-- the line that called dk.explore (a thread's forged yield has no line of its own).
local function located(e, level)
  if type(e) == "string" and not e:find("^[^\n]-:%d+: ") and not R.is_stop(e) then
    e = where(level + 1) .. e
  end
  return e
end

local function begin()
  if R.busy() then R.misuse("dk.explore cannot run inside another exploration", 3) end
end

-- Depth-first over schedules. `path[i]` is the choice point of step i on the current schedule:
-- the enabled threads in the order tried (the last runner first: no preemption), the sleep set
-- it was reached with, the threads already tried there, and the preemptions before it.
local function search(p)
  local stats = { schedules = 0, steps = 0, pruned = 0, complete = true }
  local cycles, finals, path = {}, {}, {}
  local hook = lock_graph(cycles)
  local failure, failed_run
  while true do
    local sleep_in = {}
    local preempted = 0
    local function choose(run, candidates, step)
      local node = path[step]
      if node == nil then
        -- Thread numbers, not threads: the next run makes new ones.
        local order, last = {}, run.last
        local last_enabled = last ~= nil and enabled(last)
        if last_enabled then order[1] = last.id end
        for _, t in ipairs(candidates) do
          if t ~= last or not last_enabled then order[#order + 1] = t.id end
        end
        local ops = {}
        for _, t in ipairs(run.threads) do ops[t.id] = t.pending end
        node = { order = order, sleep = sleep_in, ops = ops, before = preempted,
                 last_enabled = last_enabled }
        for i, id in ipairs(order) do
          if not sleep_in[id] then
            if p.preemptions and i > 1 and last_enabled and preempted >= p.preemptions then
              stats.complete, stats.limit = false, "preemptions"
              break
            end
            node.choice = i
            break
          end
        end
        if node.choice == nil then return nil end -- every candidate sleeps: explored elsewhere
        path[step] = node
      end
      local id = node.order[node.choice]
      if node.choice > 1 and node.last_enabled then preempted = preempted + 1 end
      -- The next node's sleep set: what slept here or was tried here before, and commutes
      -- with the operation now taken.
      sleep_in = {}
      if p.reduction then
        local op = node.ops[id]
        for u in pairs(node.sleep) do
          if not dependent(node.ops[u], op) then sleep_in[u] = true end
        end
        for i = 1, node.choice - 1 do
          local u = node.order[i]
          if not dependent(node.ops[u], op) then sleep_in[u] = true end
        end
      end
      return run.threads[id]
    end
    local run, f, ended = run_once(p, choose, hook)
    R.finish()
    stats.steps = stats.steps + #run.trace
    for _, c in ipairs(cycles) do
      if not c.schedule then
        c.schedule = thread_ids(run)
        c.trace = run.trace
      end
    end
    if f or ended then
      stats.schedules = stats.schedules + 1
      if ended and run.final ~= nil then finals[run.final] = true end
    else
      stats.pruned = stats.pruned + 1
    end
    if f then
      failure, failed_run = f, run
      stats.complete = false
      break
    end
    -- Backtrack: the deepest choice point with a thread left to try.
    local depth = #run.trace
    for i = #path, depth + 1, -1 do path[i] = nil end
    while #path > 0 do
      local node = path[#path]
      local nxt
      for i = node.choice + 1, #node.order do
        if not node.sleep[node.order[i]] then
          if p.preemptions and node.last_enabled and node.before >= p.preemptions then
            stats.complete, stats.limit = false, "preemptions"
            break
          end
          nxt = i
          break
        end
      end
      if nxt then node.choice = nxt break end
      path[#path] = nil
    end
    if #path == 0 then break end
    if stats.schedules + stats.pruned >= p.max_schedules then
      stats.complete, stats.limit = false, "max_schedules"
      break
    end
  end
  return result_of(p, stats, failure, failed_run, cycles, finals)
end

--- dk.explore(program): explores the program's schedules; see docs/concurrency.md.
local function explore(opts)
  local p = program_of(opts)
  begin()
  local ok, r = pcall(search, p)
  R.finish()
  if not ok then error(located(r, 2), 0) end
  return r
end

--- dk.explore.replay(program, schedule): runs the program once along `schedule` (a list of
--- thread numbers, one per step, as r.failure.schedule gives) and returns a result as
--- dk.explore does, its failure included.
local function replay(opts, schedule)
  local p = program_of(opts)
  if type(schedule) ~= "table" then
    error("explore_replay: schedule must be a list of thread numbers (got " .. type(schedule) .. ")", 2)
  end
  for i, v in ipairs(schedule) do
    if math_type(v) ~= "integer" or v < 1 or v > #p.threads then
      error(format("explore_replay: schedule[%d] must be a thread number from 1 to %d (got %s)",
                   i, #p.threads, show(v)), 2)
    end
  end
  begin()
  local cycles = {}
  local hook = lock_graph(cycles)
  local function choose(run, candidates, step)
    local id = schedule[step]
    if id == nil then
      local ids = {}
      for i, t in ipairs(candidates) do ids[i] = tostring(t.id) end
      error(format("explore_replay: the schedule ends after step %d, but %s %s can still run",
                   step - 1, #ids == 1 and "thread" or "threads", concat(ids, ", ")), 0)
    end
    for _, t in ipairs(candidates) do
      if t.id == id then return t end
    end
    local t = run.threads[id]
    error(format("explore_replay: step %d runs thread %d, which %s", step, id,
                 t.finished and "has finished" or "is blocked: " .. R.pending_text(t)), 0)
  end
  local ok, run, f, ended = pcall(run_once, p, choose, hook)
  R.finish()
  if not ok then error(located(run, 2), 0) end
  if not f and ended and #run.trace < #schedule then
    error(format("explore_replay: the program ended after step %d; the schedule has %d steps",
                 #run.trace, #schedule), 2)
  end
  for _, c in ipairs(cycles) do
    c.schedule, c.trace = thread_ids(run), run.trace
  end
  local finals = {}
  if ended and run.final ~= nil then finals[run.final] = true end
  local stats = { schedules = 1, steps = #run.trace, pruned = 0, complete = nil }
  return result_of(p, stats, f, run, cycles, finals)
end

-- dk.explore is callable and holds replay: dk.explore { ... } and dk.explore.replay(p, s), as
-- the issue and the docs spell them. dk.explore_replay is the same function under the name the
-- first version gave it. The call is a tail call, so errors still name the script's line.
dk.explore = setmetatable({ replay = replay }, {
  __call = function(_, opts) return explore(opts) end,
})
dk.explore_replay = replay
