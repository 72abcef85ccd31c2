-- designkit.exercise - the `designkit exercise` command: list, show, start, test and verify the
-- exercises (docs/cli.md, "designkit exercise"; the format: docs/exercises/authoring.md).
--
-- designkit.cli hands the command line after `exercise` to command(argv). Exit codes: 0 every
-- test passed (verify: every check held); 1 a test did not pass (verify: a spec passed against
-- its starter or failed against its reference); 2 bad input or cannot run (an unknown exercise,
-- a folder without solution.lua or .exercise, a bad flag, a spec or an exercise.lua that is
-- broken); 3 internal error.
local host = require "designkit.host"
local xhost = require "designkit.exercise_host"
local catalogue = require "designkit.exercise_catalogue"
local runner = require "designkit.exercise_run"
local report = require "designkit.exercise_report"
local P = require "designkit.pristine"
local error, ipairs, pairs, pcall, tostring, type, select =
  P.error, P.ipairs, P.pairs, P.pcall, P.tostring, P.type, P.select
local string, table = P.string, P.table
local io_stdout, io_stderr = P.io.stdout, P.io.stderr
local json_encode = P.designkit.json.encode
local _ENV = nil

local M = {}

local EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

local function out(...) io_stdout:write(...) end

local function raise(code, fmt, ...)
  host.exit(code, select("#", ...) > 0 and fmt:format(...) or fmt)
end

-- ---- the subcommands' flags and help ----

local SUBCOMMANDS = {
  list = {
    usage = "designkit exercise list [--json | --markdown]",
    about = "Lists the exercises: name, difficulty, track, tasks and a one-line summary.",
    flags = { ["--json"] = "print a JSON array", ["--markdown"] =
                "print the table of docs/exercises/README.md" },
    exits = "0 listed; 2 bad input (a broken exercise.lua)",
  },
  show = {
    usage = "designkit exercise show NAME [--json]",
    about = "Prints the exercise's statement, then its tasks with their hints.",
    flags = { ["--json"] = "print the metadata and the statement as JSON" },
    exits = "0 shown; 2 no such exercise",
  },
  start = {
    usage = "designkit exercise start NAME [DIR]",
    about = "Writes DIR/README.md (the statement), DIR/solution.lua (the starter), DIR/spec.lua\n" ..
        "and DIR/.exercise (the name) into DIR (default ./NAME), which must be empty or absent.",
    flags = {},
    exits = "0 written; 2 no such exercise, or DIR is not empty",
  },
  test = {
    usage = "designkit exercise test [DIR] [--all] [--json] [--results FILE] [--path EXDIR]",
    about = "Runs the exercise's spec (the toolkit's copy, by the name in DIR/.exercise) against\n" ..
        "DIR/solution.lua (DIR default .), each test in a sandboxed process of its own. Tests of\n" ..
        "task N+1 show once tasks 1..N pass.",
    flags = { ["--all"] = "show the tests of every task", ["--json"] =
                "print results.json (Exercism's test-runner shape) instead of the report",
              ["--results"] = "FILE\twrite results.json to FILE too",
              ["--path"] = "EXDIR\ttake the exercise from the folder EXDIR (as verify --path)\n" ..
                "                      rather than by the name in DIR/.exercise" },
    exits = "0 every test passed; 1 a test failed or errored (a solution that does not load\n" ..
        "included); 2 bad input (no solution.lua or .exercise, a broken spec)",
  },
  verify = {
    usage = "designkit exercise verify [NAME...] [--path DIR] [--solution reference|starter] [--json]",
    about = "For maintainers and CI: runs each exercise's spec against its reference solution\n" ..
        "(every test must pass) and against its starter (every test must fail or error).\n" ..
        "Without NAME or --path, every exercise compiled into designkit.",
    flags = { ["--path"] = "DIR\tread the exercise from the folder DIR (exercise.lua, starter.lua,\n" ..
                "                      spec.lua) instead, without rebuilding; repeatable",
              ["--solution"] = "WHICH\tonly against the reference, or only against the starter",
              ["--json"] = "print the results as JSON" },
    exits = "0 every check held; 1 a check failed; 2 bad input (unknown name, broken exercise)",
  },
}
local ORDER = { "list", "show", "start", "test", "verify" }

local function sub_help(name)
  local c = SUBCOMMANDS[name]
  local lines = { "usage: " .. c.usage, "", c.about, "", "options:" }
  local flags = {}
  for f in pairs(c.flags) do flags[#flags + 1] = f end
  table.sort(flags)
  flags[#flags + 1] = "--help"
  for _, f in ipairs(flags) do
    local text = c.flags[f] or "show this help"
    local arg, about = text:match("^(%u+)\t(.*)$")
    local left = arg and (f .. " " .. arg) or f
    lines[#lines + 1] = string.format("  %-20s  %s", left, about or text)
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "exit codes: " .. c.exits .. "; 3 internal error"
  return table.concat(lines, "\n") .. "\n"
end

local function main_help()
  local lines = {
    "usage: designkit exercise COMMAND [ARGS] [OPTIONS]",
    "",
    "Design exercises with provided tests: read the statement, start from the stub, run the",
    "tests against your solution. Every test runs sandboxed in a process of its own, with an",
    "instruction, a memory and a wall-clock limit.",
    "",
    "commands:",
  }
  for _, name in ipairs(ORDER) do
    lines[#lines + 1] = "  " .. SUBCOMMANDS[name].usage
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "Run 'designkit exercise COMMAND --help' for a command's options."
  return table.concat(lines, "\n") .. "\n"
end

local function usage_error(sub, fmt, ...)
  raise(EXIT_BAD_INPUT, "exercise%s: %s (see 'designkit exercise%s --help')",
    sub and (" " .. sub) or "", fmt:format(...), sub and (" " .. sub) or "")
end

local function did_you_mean(word, names)
  local best = host.suggest(word, names)
  return best and string.format("; did you mean %s?", best) or ""
end

-- Parses the flags of `sub`; returns opts (flag name without dashes: value or true) and the
-- positional arguments. --path may repeat (opts.paths).
local function parse(sub, argv)
  local c, opts, pos = SUBCOMMANDS[sub], { paths = {} }, {}
  local i = 1
  while argv[i] ~= nil do
    local a = argv[i]
    if a == "--help" or a == "-h" then
      opts.help = true
    elseif a:sub(1, 2) == "--" then
      local flag, value = a:match("^(%-%-[^=]+)=(.*)$")
      flag = flag or a
      local about = c.flags[flag]
      if about == nil then
        local names = { "--help" }
        for f in pairs(c.flags) do names[#names + 1] = f end
        table.sort(names)
        usage_error(sub, "unknown option %s%s", flag, did_you_mean(flag, names))
      end
      local wants = about:match("^(%u+)\t")
      if wants then
        if value == nil then
          i = i + 1
          value = argv[i]
        end
        if value == nil or value == "" then
          usage_error(sub, "option %s needs a value (%s)", flag, wants)
        end
      elseif value ~= nil then
        usage_error(sub, "option %s takes no value", flag)
      end
      local key = flag:sub(3)
      if key == "path" then
        opts.paths[#opts.paths + 1] = value
      else
        opts[key] = value or true
      end
    elseif a:sub(1, 1) == "-" and #a > 1 then
      usage_error(sub, "unknown option %s", a)
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return opts, pos
end

-- ---- the catalogue ----

local embedded_cache
local function embedded()
  if embedded_cache == nil then
    local found, names = catalogue.embedded(xhost.files())
    embedded_cache = { found = found, names = names }
  end
  return embedded_cache
end

-- Turns a Bad raised by the catalogue or the runner into exit 2 with its message.
local function guarded(fn, ...)
  local r = table.pack(pcall(fn, ...))
  if not r[1] then
    if catalogue.is_bad(r[2]) then raise(EXIT_BAD_INPUT, "%s", r[2].message) end
    error(r[2], 0)
  end
  return table.unpack(r, 2, r.n)
end

local function find(name)
  local cat = embedded()
  local make = cat.found[name]
  if make == nil then
    local list = #cat.names > 0 and table.concat(cat.names, ", ") or "(none)"
    raise(EXIT_BAD_INPUT, "no exercise named '%s'%s (the exercises: %s)", name,
      did_you_mean(name, cat.names), list)
  end
  return guarded(make)
end

local function all_exercises()
  local list = {}
  for _, name in ipairs(embedded().names) do list[#list + 1] = find(name) end
  return list
end

-- ---- list, show, start ----

local function cmd_list(opts, pos)
  if #pos > 0 then usage_error("list", "unexpected argument '%s'", pos[1]) end
  if opts.json and opts.markdown then usage_error("list", "--json or --markdown, not both") end
  local list = all_exercises()
  if opts.json then
    out(json_encode(report.list_table(list), { pretty = true }), "\n")
  elseif opts.markdown then
    out(report.list_markdown(list))
  else
    out(report.list_text(list))
  end
  return EXIT_OK
end

local function tasks_text(ex)
  local lines = { "", "## Tasks and hints", "" }
  for k, t in ipairs(ex.meta.tasks) do
    lines[#lines + 1] = string.format("%d. %s", k, t.title)
    for _, h in ipairs(t.hints) do lines[#lines + 1] = "   - hint: " .. h end
  end
  return table.concat(lines, "\n") .. "\n"
end

local function cmd_show(opts, pos)
  if #pos ~= 1 then usage_error("show", "which exercise? give one NAME") end
  local ex = find(pos[1])
  if opts.json then
    local t = report.list_table({ ex })[1]
    t.statement = ex.text.statement
    t.hints = {}
    for k, task in ipairs(ex.meta.tasks) do t.hints[k] = task.hints end
    out(json_encode(t, { pretty = true }), "\n")
  else
    local statement = ex.text.statement
    out(statement, statement:sub(-1) == "\n" and "" or "\n", tasks_text(ex))
  end
  return EXIT_OK
end

local function cmd_start(_, pos)
  if #pos < 1 or #pos > 2 then usage_error("start", "give NAME and optionally DIR") end
  local ex = find(pos[1])
  local dir = pos[2] or ex.name
  local state, err = xhost.folder(dir)
  if state == nil then raise(EXIT_BAD_INPUT, "exercise start: %s: %s", dir, err) end
  if state == "file" then raise(EXIT_BAD_INPUT, "exercise start: %s is a file, not a folder", dir) end
  if state == "full" then
    raise(EXIT_BAD_INPUT, "exercise start: %s is not empty: give an empty or new folder", dir)
  end
  if state == "missing" then
    local ok, why = xhost.mkdir(dir)
    if not ok then raise(EXIT_BAD_INPUT, "exercise start: cannot make %s: %s", dir, why) end
  end
  local files = {
    { "README.md", ex.text.statement .. tasks_text(ex) },
    { "solution.lua", ex.text.starter },
    { "spec.lua", ex.text.spec },
    { ".exercise", ex.name .. "\n" },
  }
  for _, f in ipairs(files) do
    local path = catalogue.join(dir, f[1])
    local ok, why = host.write_atomic(path, f[2])
    if not ok then raise(EXIT_BAD_INPUT, "exercise start: %s", why) end
  end
  out(string.format("Started %s in %s: read %s, edit %s, then run\n  designkit exercise test %s\n",
    ex.name, dir, catalogue.join(dir, "README.md"), catalogue.join(dir, "solution.lua"), dir))
  return EXIT_OK
end

-- ---- test ----

local function cmd_test(opts, pos)
  if #pos > 1 then usage_error("test", "give at most one DIR") end
  local dir = pos[1] or "."
  local state = xhost.folder(dir)
  if state ~= "empty" and state ~= "full" then
    raise(EXIT_BAD_INPUT, "exercise test: %s is not a folder", dir)
  end
  if #opts.paths > 1 then usage_error("test", "give --path once") end
  local ex
  if opts.paths[1] then
    ex = guarded(catalogue.from_dir, opts.paths[1])
  else
    local marker = catalogue.read_file(catalogue.join(dir, ".exercise"))
    if marker == nil then
      raise(EXIT_BAD_INPUT, "exercise test: %s has no .exercise file: start an exercise with " ..
        "'designkit exercise start NAME %s'", dir, dir)
    end
    local name = marker:match("^%s*([%w_]+)%s*$")
    if name == nil then
      raise(EXIT_BAD_INPUT, "exercise test: %s: its only line must be an exercise's name",
        catalogue.join(dir, ".exercise"))
    end
    ex = find(name)
  end
  local sol_path = catalogue.join(dir, "solution.lua")
  local text = catalogue.read_file(sol_path)
  if text == nil then
    raise(EXIT_BAD_INPUT, "exercise test: %s is missing: write your solution there", sol_path)
  end
  if opts.results then
    local ok, why = host.check_output(opts.results)
    if not ok then raise(EXIT_BAD_INPUT, "exercise test: --results: %s", why) end
  end
  local results = guarded(runner.run, ex, { text = text, name = sol_path })
  if opts.json then
    out(report.results_json(results))
  else
    out(report.text(results, opts.all))
  end
  if opts.results then
    local ok, why = host.write_atomic(opts.results, report.results_json(results))
    if not ok then raise(EXIT_BAD_INPUT, "exercise test: --results: %s", why) end
  end
  return results.status == "pass" and EXIT_OK or EXIT_FAILED
end

-- ---- verify ----

-- Checks one exercise against one solution; returns ok, a line for each problem, results.
local function verify_one(ex, which)
  local path = which == "reference" and ex.paths.reference or ex.paths.starter
  local results = runner.run(ex, { text = ex.text[which], name = path, check_load = true })
  local problems = {}
  if results.status == "error" or results.solution_error then
    problems[1] = string.format("%s does not load: %s", path,
      tostring(results.solution_error or results.message))
  end
  for _, t in ipairs(results.tests) do
    if which == "reference" and t.status ~= "pass" then
      problems[#problems + 1] = string.format("task %d > %s: %s against the reference: %s",
        t.task, t.name, t.status, tostring(t.message))
    elseif which == "starter" and t.status == "pass" then
      problems[#problems + 1] = string.format(
        "task %d > %s: passes against the starter (every test must fail or error there)",
        t.task, t.name)
    end
  end
  return #problems == 0, problems, results
end

local function count_status(results, status)
  local n = 0
  for _, t in ipairs(results.tests) do
    if (status == "pass") == (t.status == "pass") then n = n + 1 end
  end
  return n
end

local function cmd_verify(opts, pos)
  local which = opts.solution
  if which ~= nil and which ~= "reference" and which ~= "starter" then
    usage_error("verify", "--solution must be reference or starter (got %s)", tostring(which))
  end
  local list = {}
  for _, name in ipairs(pos) do list[#list + 1] = find(name) end
  for _, dir in ipairs(opts.paths) do list[#list + 1] = guarded(catalogue.from_dir, dir) end
  if #pos == 0 and #opts.paths == 0 then list = all_exercises() end
  if #list == 0 then raise(EXIT_BAD_INPUT, "exercise verify: there is no exercise to verify") end
  local kinds = which and { which } or { "reference", "starter" }
  local all_ok, doc = true, {}
  for _, ex in ipairs(list) do
    local entry = { name = ex.name, ok = true }
    local notes, problems = {}, {}
    for _, kind in ipairs(kinds) do
      local ok, found, results = guarded(verify_one, ex, kind)
      entry[kind] = report.results_table(results)
      entry.ok = entry.ok and ok
      local n = #results.tests
      if kind == "reference" then
        notes[#notes + 1] = string.format("reference %d/%d pass", count_status(results, "pass"), n)
      else
        notes[#notes + 1] = string.format("starter %d/%d fail or error",
          count_status(results, "fail"), n)
      end
      for _, p in ipairs(found) do problems[#problems + 1] = p end
    end
    all_ok = all_ok and entry.ok
    doc[#doc + 1] = entry
    if not opts.json then
      out(string.format("%s %s (%s)\n", entry.ok and "ok  " or "FAIL", ex.name,
        table.concat(notes, "; ")))
      for _, p in ipairs(problems) do out("     ", p:gsub("\n", "\n     "), "\n") end
    end
  end
  if opts.json then out(json_encode(doc, { pretty = true }), "\n") end
  return all_ok and EXIT_OK or EXIT_FAILED
end

local MAIN = { list = cmd_list, show = cmd_show, start = cmd_start, test = cmd_test,
               verify = cmd_verify }

--- command(argv): `designkit exercise ...`; returns the exit code (or ends through host.exit).
function M.command(argv)
  local sub = argv[1]
  if sub == nil or sub == "--help" or sub == "-h" or sub == "help" then
    if sub == nil then
      io_stderr:write(main_help())
      return EXIT_BAD_INPUT
    end
    out(main_help())
    return EXIT_OK
  end
  if MAIN[sub] == nil then
    usage_error(nil, "unknown command '%s'%s", sub, did_you_mean(sub, ORDER))
  end
  local opts, pos = parse(sub, table.move(argv, 2, #argv, 1, {}))
  if opts.help then
    out(sub_help(sub))
    return EXIT_OK
  end
  return MAIN[sub](opts, pos)
end

M.main_help = main_help
return M
