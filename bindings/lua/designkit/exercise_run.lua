-- designkit.exercise_run - the parent side of running an exercise's spec against a solution:
-- one child process lists the tests, then one child per test runs it (bindings/cli/
-- exercise_run.c forks them; designkit.exercise_spec is what runs inside). The verdicts are
-- decided here, from what the children answered and how they ended: nothing a solution prints
-- or does in a child can change them.
local P = require "designkit.pristine"
local host = require "designkit.exercise_host"
local catalogue = require "designkit.exercise_catalogue"
local ipairs, pcall, tostring, type, load = P.ipairs, P.pcall, P.tostring, P.type, P.load
local table, math, utf8 = P.table, P.math, P.utf8
local json_decode = P.designkit.json.decode
local bad = catalogue.bad
local _ENV = nil

local M = {}

-- The limits of the child that lists the tests: the spec's top level only declares them.
local COLLECT = { timeout = 30, instructions = 1e9, memory = 256 * 1024 * 1024 }

-- The lines first..last of `text`, for a test's test_code.
local function lines_of(text, first, last)
  if type(first) ~= "number" or type(last) ~= "number" or first < 1 or last < first then
    return nil
  end
  local out, n = {}, 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if n > last then break end
    if n >= first then out[#out + 1] = line end
  end
  -- The common indentation goes, so that the code reads as written at the left margin.
  local indent
  for _, l in ipairs(out) do
    local lead = l:match("^(%s*)%S")
    if lead and (indent == nil or #lead < #indent) then indent = lead end
  end
  if indent and #indent > 0 then
    for i, l in ipairs(out) do
      if l:sub(1, #indent) == indent then out[i] = l:sub(#indent + 1) end
    end
  end
  return table.concat(out, "\n")
end

-- Text a child sent (what a solution printed, a message) as valid UTF-8, for the JSON: each
-- byte that starts no valid sequence becomes "?" (the output's cut may split a character).
local function clean_utf8(s)
  if s == nil or utf8.len(s) then return s end
  local out, i = {}, 1
  while i <= #s do
    local ok, next_i = pcall(utf8.offset, s, 2, i)
    local len = ok and next_i and utf8.len(s, i, next_i - 1)
    if len == 1 then
      out[#out + 1] = s:sub(i, next_i - 1)
      i = next_i
    else
      out[#out + 1] = "?"
      i = i + 1
    end
  end
  return table.concat(out)
end

local function decode(text)
  local ok, v = pcall(json_decode, text)
  if ok and type(v) == "table" then return v end
  return nil
end

--- collect(ex, solution) -> { tasks = {...}, tests = {...} }: the spec's tests, read in a child.
--- Raises a Bad (exit 2) when the spec fails outside any test or disagrees with exercise.lua.
function M.collect(ex, solution)
  local kind, text = host.run {
    mode = "collect", spec = ex.text.spec, spec_name = ex.paths.spec,
    solution = solution.text, solution_name = solution.name, check_load = solution.check_load,
    timeout = COLLECT.timeout, instructions = COLLECT.instructions, memory = COLLECT.memory,
  }
  if kind ~= "json" then
    bad("%s: the spec could not declare its tests: %s", ex.paths.spec, text)
  end
  local answer = decode(text)
  if answer == nil then bad("%s: the spec's test list could not be read", ex.paths.spec) end
  if not answer.ok then
    bad("%s: the spec failed outside any test: %s", ex.paths.spec, tostring(answer.message))
  end
  local tasks, meta_tasks = answer.tasks or {}, ex.meta.tasks
  if #tasks ~= #meta_tasks then
    bad("%s: tasks lists %d task%s but %s declares %d with task()", ex.paths.meta, #meta_tasks,
      #meta_tasks == 1 and "" or "s", ex.paths.spec, #tasks)
  end
  for i, title in ipairs(tasks) do
    if title ~= meta_tasks[i].title then
      bad("%s: tasks[%d].title is %q but %s's task %d is %q", ex.paths.meta, i,
        meta_tasks[i].title, ex.paths.spec, i, title)
    end
  end
  local tests = answer.tests or {}
  if #tests == 0 then bad("%s: the spec declares no test (it)", ex.paths.spec) end
  for i = 1, #tasks do
    local any = false
    for _, t in ipairs(tests) do any = any or t.task == i end
    if not any then bad("%s: task %d (%q) has no test", ex.paths.spec, i, tasks[i]) end
  end
  return { tasks = tasks, tests = tests, solution_error = answer.solution_error }
end

-- One test in its child: a result record.
local function run_test(ex, solution, t, index)
  local kind, text, output, seconds = host.run {
    mode = "run", index = index, name = t.name, spec = ex.text.spec, spec_name = ex.paths.spec,
    solution = solution.text, solution_name = solution.name,
    timeout = t.timeout, instructions = t.instructions, memory = t.memory,
  }
  local r = { name = t.name, task = t.task, output = output ~= "" and clean_utf8(output) or nil,
              seconds = math.floor(seconds * 1000 + 0.5) / 1000,
              test_code = lines_of(ex.text.spec, t.line, t.last_line) }
  if kind ~= "json" then
    r.status, r.message = "error", clean_utf8(text)
    return r
  end
  local answer = decode(text)
  if answer == nil or (answer.status ~= "pass" and answer.status ~= "fail" and
      answer.status ~= "error") then
    r.status, r.message = "error", "the test's answer could not be read"
    return r
  end
  r.status = answer.status
  r.message = answer.status ~= "pass" and clean_utf8(tostring(answer.message or "")) or nil
  r.scores = answer.scores
  if answer.outside then
    -- The spec failed outside any test this time: not the solution's doing.
    bad("%s: the spec failed outside any test: %s", ex.paths.spec, r.message)
  end
  return r
end

--- run(ex, solution, on_test) -> results. `solution` is { text, name, check_load } (name as
--- messages show it: "solution.lua"; check_load: set results.solution_error when the solution
--- raises while it loads). results = { exercise, status = pass|fail|error, message, tasks,
--- tests = { { name, task, status, message, output, scores, test_code, seconds } } }.
--- on_test(result, i, n), when given, sees each result as it comes.
function M.run(ex, solution, on_test)
  local results = { exercise = ex.name, tasks = ex.meta.tasks, tests = {} }
  local chunk, err = load(solution.text, "@" .. solution.name, "t")
  if chunk == nil then
    results.status, results.message = "error", clean_utf8(err)
    return results
  end
  local list = M.collect(ex, solution)
  results.solution_error = list.solution_error and clean_utf8(tostring(list.solution_error))
  local passed = 0
  for i, t in ipairs(list.tests) do
    local r = run_test(ex, solution, t, i)
    results.tests[i] = r
    if r.status == "pass" then passed = passed + 1 end
    if on_test then on_test(r, i, #list.tests) end
  end
  results.status = passed == #list.tests and "pass" or "fail"
  return results
end

M.lines_of = lines_of
return M
