-- designkit.exercise_spec - the child side of `designkit exercise test`: an exercise's spec in a
-- fresh sandboxed Lua state, either collected (the list of its tasks and tests) or one of its
-- tests run against the learner's solution.
--
-- The host (bindings/cli/exercise.c) forks a child per test, makes a fresh state there, requires
-- this module BEFORE the sandbox goes on (so that it keeps debug.getinfo, for the lines of each
-- test function), turns the sandbox on and calls run(job). The answer is one JSON text, which
-- the parent decodes; a solution cannot reach the pipe it travels on (no io.open of a
-- descriptor, no debug), and whatever else it does ends with the child.
local P = require "designkit.pristine"
local spec = require "designkit.spec"
local error, ipairs, next, pcall, setmetatable, getmetatable, tostring, type, xpcall, load =
  P.error, P.ipairs, P.next, P.pcall, P.setmetatable, P.getmetatable, P.tostring, P.type,
  P.xpcall, P.load
local string, table, math = P.string, P.table, P.math
local getinfo = P.debug and P.debug.getinfo
local json_encode = P.designkit.json.encode
local is_failure, expect, here = spec.is_failure, spec.expect, spec.here
spec.tag_failures(true) -- this state runs exercises only: a failed expect is told from an error
local G = _G
local _ENV = nil

local M = {}

local MESSAGE_MAX = 4000 -- a message longer than this is cut: the parent has a pipe to read

-- The defaults of a test's limits (docs/exercises/authoring.md); it(name, fn, opts) raises them.
M.DEFAULTS = { timeout = 10, instructions = 2e8, memory = 256 * 1024 * 1024 }

local copy = P.copy

-- ---- messages ----

-- The text of an error value: a string as it is; an object through its __tostring, guarded,
-- since a hostile one may raise or return something else.
local function error_text(e)
  if type(e) == "string" then return e end
  if type(e) == "number" then return tostring(e) end
  local mt = getmetatable(e)
  if mt ~= nil and type(mt) == "table" and mt.__tostring ~= nil then
    local ok, s = pcall(tostring, e)
    if ok and type(s) == "string" then return s end
    return "error object is not a string and its __tostring failed"
  end
  if type(e) == "table" and type(e.message) == "string" then return e.message end
  return "error object is a " .. type(e) .. " value"
end

local function cut(s)
  if #s > MESSAGE_MAX then return s:sub(1, MESSAGE_MAX) .. " [...]" end
  return s
end

-- ---- the spec's world ----

local module_copy = P.designkit_copy -- the designkit module as a spec sees it (pristine.lua)

-- The spec's globals: a copy of the sandboxed globals (each library copied too), taken before
-- the solution runs, plus the spec's own functions (declared by `collect`).
local function spec_env()
  local env = {}
  for k, v in next, G do
    env[k] = type(v) == "table" and k ~= "package" and k ~= "_G" and copy(v) or v
  end
  env._G = env
  local dk, shared_require = module_copy(), G.require
  env.require = function(name, ...)
    if name == "designkit" then return dk end
    return shared_require(name, ...)
  end
  return env
end

local function check_limit(opts, key, where)
  local v = opts[key]
  if v == nil then return M.DEFAULTS[key] end
  if type(v) ~= "number" or v ~= v or v <= 0 or v == math.huge then
    error(string.format("%s: it: opts.%s must be a positive number (got %s)", where, key,
      tostring(v)), 0)
  end
  return v
end

local IT_OPTS = { timeout = true, instructions = true, memory = true }

-- Loads the spec and runs its top level: returns { tasks = { title... }, tests = {...} } where
-- each test is { name, task, fn, hooks, line, last_line, timeout, instructions, memory }, or
-- nil and the message (naming spec.lua:line) when the spec fails outside any test.
local function collect(job, env)
  local tasks, tests = {}, {}
  local stack, hooks = {}, { {} }
  local current -- the task being declared
  -- "spec.lua:12", the line that called it() (level 3: where <- it <- the spec).
  local function where()
    local info = getinfo and getinfo(3, "Sl")
    if info and info.currentline and info.currentline > 0 then
      return info.short_src .. ":" .. info.currentline
    end
    return job.spec_name
  end
  function env.task(title, fn)
    if current ~= nil then error("task() inside another task", 2) end
    if type(title) ~= "string" then error("task(title, fn): the title must be a string", 2) end
    if type(fn) ~= "function" then error("task(title, fn): fn must be a function", 2) end
    tasks[#tasks + 1] = title
    current = #tasks
    fn()
    current = nil
  end
  function env.describe(name, fn)
    if type(fn) ~= "function" then error("describe(name, fn): fn must be a function", 2) end
    stack[#stack + 1] = tostring(name)
    hooks[#hooks + 1] = {}
    fn()
    hooks[#hooks] = nil
    stack[#stack] = nil
  end
  function env.before_each(fn)
    if type(fn) ~= "function" then error("before_each(fn): fn must be a function", 2) end
    local level = hooks[#hooks]
    level[#level + 1] = fn
  end
  function env.it(name, fn, opts)
    if current == nil then error("it() outside any task(): every test belongs to a task", 2) end
    if type(fn) ~= "function" then error("it(name, fn): fn must be a function", 2) end
    opts = opts or {}
    if type(opts) ~= "table" then error("it(name, fn, opts): opts must be a table", 2) end
    local at = where()
    for k in next, opts do
      if not IT_OPTS[k] then
        error(string.format("%s: it: unknown option %s (timeout, instructions, memory)", at,
          tostring(k)), 0)
      end
    end
    local all = {}
    for _, level in ipairs(hooks) do
      for _, h in ipairs(level) do all[#all + 1] = h end
    end
    local parts = table.move(stack, 1, #stack, 1, {})
    parts[#parts + 1] = tostring(name)
    local info = getinfo and getinfo(fn, "S") or {}
    tests[#tests + 1] = {
      name = table.concat(parts, " > "), task = current, fn = fn, hooks = all,
      line = info.linedefined, last_line = info.lastlinedefined,
      timeout = check_limit(opts, "timeout", at),
      instructions = check_limit(opts, "instructions", at),
      memory = check_limit(opts, "memory", at),
    }
  end
  local chunk, err = load(job.spec, "@" .. job.spec_name, "t", env)
  if chunk == nil then return nil, err end
  local ok, e = pcall(chunk)
  if not ok then return nil, error_text(e) end
  return { tasks = tasks, tests = tests }
end

-- ---- running one test ----

local function describe_tests(list)
  local out = {}
  for i, t in ipairs(list.tests) do
    out[i] = { name = t.name, task = t.task, line = t.line, last_line = t.last_line,
               timeout = t.timeout, instructions = t.instructions, memory = t.memory }
  end
  return out
end

-- score(name, value, opts): what a test measured, printed beside its verdict.
local SCORE_OPTS = { unit = "string", better = "string", baseline = "number", target = "number",
                     baseline_name = "string" }

local function make_score(scores)
  return function(name, value, opts)
    if scores == nil then error("score() outside a test", 2) end
    if type(name) ~= "string" then error("score(name, value, opts): name must be a string", 2) end
    if type(value) ~= "number" then
      error(string.format("score(%q, value): value must be a number (got %s)", name, type(value)), 2)
    end
    opts = opts or {}
    if type(opts) ~= "table" then error("score(name, value, opts): opts must be a table", 2) end
    local s = { name = name, value = value }
    for k, v in next, opts do
      if SCORE_OPTS[k] == nil then
        error(string.format("score: unknown option %s (unit, better, baseline, " ..
          "baseline_name, target)",
          tostring(k)), 2)
      end
      if type(v) ~= SCORE_OPTS[k] then
        error(string.format("score: %s must be a %s (got %s)", k, SCORE_OPTS[k], type(v)), 2)
      end
      s[k] = v
    end
    if s.better ~= nil and s.better ~= "lower" and s.better ~= "higher" then
      error(string.format("score: better must be \"lower\" or \"higher\" (got %q)", s.better), 2)
    end
    if value ~= value or value == math.huge or value == -math.huge then
      s.value = tostring(value) -- JSON has no NaN or infinity
    end
    scores[#scores + 1] = s
  end
end

-- The learner's module, loaded once per test, in the sandboxed globals.
local function make_solution(job)
  local loaded, value = false, nil
  return function()
    if not loaded then
      if type(job.solution) ~= "string" then error("no solution to load", 2) end
      local chunk, err = load(job.solution, "@" .. job.solution_name, "t", G)
      if chunk == nil then error(err, 0) end
      value = chunk()
      loaded = true
    end
    return value
  end
end

-- "256 MiB" for a whole number of MiB, else bytes (as exercise_run.c says it).
local function size_text(bytes)
  local mib = bytes / (1024 * 1024)
  if mib >= 1 and mib == math.floor(mib) then return string.format("%d MiB", mib) end
  return string.format("%.0f bytes", bytes)
end

-- The message handler of a test: a failed expect is the test's "fail", anything else its
-- "error"; a stack overflow arrives here too, as Lua's own message, and the allocator's
-- refusal as "not enough memory" (when the runner still has room to say so; else the C side
-- says it).
local function classify(e, job)
  if is_failure(e) then return { status = "fail", message = cut(error_text(e)) } end
  local text = error_text(e)
  if text == "not enough memory" then
    text = "memory limit of " .. size_text(job.memory or M.DEFAULTS.memory) .. " reached"
  elseif type(text) == "string" and text:find("stack overflow", 1, true) then
    text = text .. " (deep recursion)"
  end
  return { status = "error", message = cut(text) }
end

local function run_one(job, env, scores)
  local list, err = collect(job, env)
  if list == nil then return { status = "error", message = cut(err), outside = true } end
  local t = list.tests[job.index]
  if t == nil or t.name ~= job.name then
    return { status = "error",
             message = "the spec declared other tests this time: it must declare the same " ..
                 "tests on every load" }
  end
  local verdict
  local function handler(e)
    local ok, v = pcall(classify, e, job)
    verdict = ok and v or { status = "error", message = "the error could not be described" }
    return verdict
  end
  for _, h in ipairs(t.hooks) do
    if not xpcall(h, handler) then return verdict end
  end
  if not xpcall(t.fn, handler) then
    return verdict or { status = "error", message = "error in error handling (deep recursion?)" }
  end
  return { status = "pass" }
end

-- What the CLI's safe mode still allows and an exercise does not: io (reads included), os,
-- loadfile and dofile, and Lua files found on package.path (a solution is one file). A table
-- that raises on every use says so clearly, rather than "attempt to index a nil value".
local function blocked(name)
  local function refuse() error(name .. " is not available in an exercise (no io, os or " ..
      "debug; a solution is one file)", 2) end
  return setmetatable({}, { __index = refuse, __newindex = refuse, __call = refuse,
                            __metatable = false })
end

local function confine_more()
  local loaded = G.package and G.package.loaded or {}
  for _, name in ipairs { "io", "os" } do
    local b = blocked(name)
    G[name], loaded[name] = b, b
  end
  G.loadfile, G.dofile = blocked("loadfile"), blocked("dofile")
  if G.package then G.package.path = "" end
end

--- run(job) -> JSON text. job.mode "collect": { ok, tasks, tests, solution_error } or
--- { ok = false, message } (solution_error: with job.check_load, why the solution does not load);
--- job.mode "run": { status, message, scores }, for the test job.index named job.name.
function M.run(job)
  confine_more()
  local env = spec_env()
  local scores = {}
  env.expect = expect
  env.here = here
  env.solution = make_solution(job)
  env.solution_source = function() return job.solution end
  env.score = make_score(job.mode == "run" and scores or nil)
  local answer
  if job.mode == "collect" then
    local list, err = collect(job, env)
    if list == nil then
      answer = { ok = false, message = cut(err) }
    else
      answer = { ok = true, tasks = list.tasks, tests = describe_tests(list) }
      if job.check_load then -- verify: the solution must load (a starter too)
        local ok, e = pcall(env.solution)
        if not ok then answer.solution_error = cut(error_text(e)) end
      end
    end
  else
    local ok, r = pcall(run_one, job, env, scores)
    answer = ok and r or { status = "error", message = cut(error_text(r)) }
    if #scores > 0 then answer.scores = scores end
  end
  return json_encode(answer)
end

M.error_text = error_text

return M
