-- designkit.exercise_report - what `designkit exercise` prints: the test report (progressive
-- tasks, hints under a task that fails, scores beside the verdicts), results.json in the shape
-- of Exercism's test runners (version 2), and the catalogue as text, JSON or a markdown table.
local P = require "designkit.pristine"
local ipairs, tostring, type, math = P.ipairs, P.tostring, P.type, P.math
local string, table = P.string, P.table
local json_encode = P.designkit.json.encode
local _ENV = nil

local M = {}

local LABEL = { pass = "PASS ", fail = "FAIL ", error = "ERROR" }

local function num(x)
  if type(x) ~= "number" then return tostring(x) end
  if x == math.floor(x) and math.abs(x) < 1e15 then return string.format("%d", x) end
  return string.format("%.4g", x)
end

local function with_unit(x, unit)
  return unit and (num(x) .. " " .. unit) or num(x)
end

--- score_text(s): "mean wait 31.2 s (FCFS 48 s, target 40 s, lower is better)"; the baseline
--- is named by s.baseline_name, else "baseline".
function M.score_text(s)
  local extras = {}
  if s.baseline ~= nil then
    extras[#extras + 1] = (s.baseline_name or "baseline") .. " " .. with_unit(s.baseline, s.unit)
  end
  if s.target ~= nil then extras[#extras + 1] = "target " .. with_unit(s.target, s.unit) end
  if s.better ~= nil then extras[#extras + 1] = s.better .. " is better" end
  local text = s.name .. " " .. with_unit(s.value, s.unit)
  if #extras > 0 then text = text .. " (" .. table.concat(extras, ", ") .. ")" end
  return text
end

local function indent(text, prefix)
  return prefix .. tostring(text):gsub("\n", "\n" .. prefix)
end

-- Whether every test of task k passed.
local function task_passed(results, k)
  for _, t in ipairs(results.tests) do
    if t.task == k and t.status ~= "pass" then return false end
  end
  return true
end

--- text(results, all) -> the report. Tests of task k+1 show once tasks 1..k pass, unless `all`;
--- a task with a failure gets its hints printed under it.
function M.text(results, all)
  local lines = {}
  local function add(s) lines[#lines + 1] = s end
  if results.status == "error" and #results.tests == 0 then
    add("ERROR  " .. results.exercise .. ": no test could run")
    add(indent(results.message or "", "       "))
    return table.concat(lines, "\n") .. "\n"
  end
  local counts = { pass = 0, fail = 0, error = 0 }
  for _, t in ipairs(results.tests) do counts[t.status] = counts[t.status] + 1 end
  local hidden, locked_from = 0, nil
  for k, task in ipairs(results.tasks) do
    if locked_from then
      for _, t in ipairs(results.tests) do
        if t.task == k then hidden = hidden + 1 end
      end
    else
      add(string.format("task %d: %s", k, task.title))
      for _, t in ipairs(results.tests) do
        if t.task == k then
          local line = string.format("  %s  task %d > %s", LABEL[t.status], k, t.name)
          if t.scores then
            local parts = {}
            for _, s in ipairs(t.scores) do parts[#parts + 1] = M.score_text(s) end
            line = line .. "  [" .. table.concat(parts, "; ") .. "]"
          end
          add(line)
          if t.status ~= "pass" then add(indent(t.message or "", "         ")) end
          if t.output and t.status ~= "pass" then
            add("         output:")
            add(indent(t.output, "           | "))
          end
        end
      end
      if not task_passed(results, k) then
        if #task.hints > 0 then
          add("  hints:")
          for _, h in ipairs(task.hints) do add("    - " .. h) end
        end
        if not all and k < #results.tasks then locked_from = k end
      end
    end
  end
  local total = #results.tests
  local closing = string.format("%d passed, %d failed, %d errors (%d tests)", counts.pass,
    counts.fail, counts.error, total)
  if hidden > 0 then
    closing = closing .. string.format("; %d test%s of later tasks not shown until task %d " ..
      "passes (--all shows them)", hidden, hidden == 1 and "" or "s", locked_from)
  end
  add(closing)
  return table.concat(lines, "\n") .. "\n"
end

--- results_json(results) -> the text of results.json: Exercism's test-runner interface,
--- version 2 (status, message when status is error, tests with name, status, message,
--- test_code, output), plus task_id (version 3's field) and designkit's scores and seconds,
--- which readers of version 2 ignore.
function M.results_table(results)
  local doc = { version = 2, status = results.status, tests = {} }
  if results.status == "error" then doc.message = results.message or "" end
  for i, t in ipairs(results.tests) do
    doc.tests[i] = {
      name = string.format("task %d > %s", t.task, t.name), status = t.status,
      message = t.status ~= "pass" and (t.message or "") or nil,
      test_code = t.test_code, task_id = t.task, output = t.output,
      scores = t.scores, seconds = t.seconds,
    }
  end
  return doc
end

function M.results_json(results)
  return json_encode(M.results_table(results), { pretty = true }) .. "\n"
end

-- ---- the catalogue ----

--- list_text(exercises): one line each: name, difficulty, track, tasks, summary.
function M.list_text(exercises)
  local w = 4
  for _, ex in ipairs(exercises) do w = math.max(w, #ex.name) end
  local lines = {}
  for _, ex in ipairs(exercises) do
    local m = ex.meta
    lines[#lines + 1] = string.format("%-" .. w .. "s  %-6s  %-3s  %d task%s  %s", ex.name,
      m.difficulty, m.track, #m.tasks, #m.tasks == 1 and " " or "s", m.summary)
  end
  return table.concat(lines, "\n") .. (#lines > 0 and "\n" or "")
end

function M.list_table(exercises)
  local out = {}
  for i, ex in ipairs(exercises) do
    local m, tasks = ex.meta, {}
    for k, t in ipairs(m.tasks) do tasks[k] = t.title end
    out[i] = { name = ex.name, title = m.title, difficulty = m.difficulty, track = m.track,
               summary = m.summary, patterns = m.patterns, reference = m.reference,
               tasks = tasks }
  end
  return out
end

local function cell(s)
  return (tostring(s):gsub("|", "\\|"))
end

--- list_markdown(exercises): the table of docs/exercises/README.md.
function M.list_markdown(exercises)
  local lines = {
    "| exercise | title | track | difficulty | patterns | tasks |",
    "| --- | --- | --- | --- | --- | --- |",
  }
  for _, ex in ipairs(exercises) do
    local m = ex.meta
    lines[#lines + 1] = string.format("| [%s](%s.md) | %s | %s | %s | %s | %d |", ex.name,
      ex.name, cell(m.title), m.track, m.difficulty,
      #m.patterns > 0 and cell(table.concat(m.patterns, ", ")) or "-", #m.tasks)
  end
  return table.concat(lines, "\n") .. "\n"
end

return M
