-- designkit.cli - the `designkit` command: subcommands, their arguments, help texts, exit codes.
--
-- main(argv) returns an exit code or ends through host.exit(N, message) for an expected failure
-- (the host prints "designkit: message" and exits with N; only the host can make that error).
-- An error object from the module (l_error.c: {status = "nomem", message = ...}) is mapped by
-- its status. Any other error is a
-- bug and the host reports it with a traceback as exit 3. Exit codes: 0 success; 1 the design
-- ran but failed its checks, expectations or specs; 2 bad input; 3 internal error (the
-- simulator failed, or a bug).

local host = require "designkit.host"
local limits = require "designkit.limits"

-- Everything the command uses from the standard library and the module, taken now, before any
-- script runs (designkit.pristine): a script may replace string.format or pairs, and the host
-- must read and report what happened all the same. The command itself reads and writes what
-- the user named on the command line, whatever a script may do afterwards. From `_ENV = nil`
-- on, a global read here is an error rather than a question a script could answer.
local P = require "designkit.pristine"
local dk = P.designkit
local report_format = require("designkit.report").format
local spec_main = require("designkit.spec").main
local G = _G
local assert, error, getmetatable, ipairs, pairs, pcall, rawget, select, tonumber, tostring,
      type, loadfile, require, _VERSION =
  P.assert, P.error, P.getmetatable, P.ipairs, P.pairs, P.pcall, P.rawget, P.select,
  P.tonumber, P.tostring, P.type, P.loadfile, P.require, P._VERSION
local string, table, math, package = P.string, P.table, P.math, P.package
local io_open, io_stdout, io_stderr = P.io.open, P.io.stdout, P.io.stderr
local os_getenv, os_clock = P.os.getenv, P.os.clock
local debug_getregistry = P.debug and P.debug.getregistry
local _ENV = nil

local cli = {}

local PROG = "designkit"
local DEFAULT_DURATION = "60s"
-- The limits of safe mode (docs/security.md, Limits, says why these values): the biggest
-- design we ship for measure, 10^5 components run for 10^6 requests, takes 4 s and 620 MB.
local DEFAULT_MAX_TIME, DEFAULT_MAX_MEMORY, DEFAULT_MAX_INSTRUCTIONS = "10m", "2GiB", "1e10"
local DEFAULT_SEED = 1

local EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2

---------------------------------------------------------------------------------------------
-- Errors and small helpers

local function raise(code, fmt, ...)
  local message = select("#", ...) > 0 and fmt:format(...) or fmt
  host.exit(code, message)
end

-- A mistake on the command line: exit 2, with where to read more.
local function usage_error(cmd, fmt, ...)
  local where = cmd and (PROG .. " " .. cmd) or PROG
  raise(EXIT_BAD_INPUT, "%s%s (see '%s --help')", cmd and (cmd .. ": ") or "", fmt:format(...),
        where)
end

-- The text of an error a script raised: its message keeps file:line.
local function error_text(e)
  if type(e) == "string" then
    return e
  end
  if type(e) == "table" and type(e.message) == "string" then
    return e.message
  end
  local ok, s = pcall(tostring, e)
  return ok and s or "(an error object that cannot be printed)"
end

-- Raises what a failed script, run or export stands for. A script's own error is bad input
-- (exit 2). An error object carries the status of the engine's failure (l_error.c): the host
-- maps it, so that a broken simulator or memory running out exits 3 and a script's mistake 2.
local function fail_with(e)
  if type(e) == "table" and type(e.status) == "string" then
    local message = error_text(e)
    -- (A limit reached is not told here: the host says which, whatever the error became.)
    if e.status == "internal" then
      message = message .. " (an internal error in designkit: please report it)"
    end
    raise(host.exit_code(e.status), "%s", message)
  end
  raise(EXIT_BAD_INPUT, "%s", error_text(e))
end

-- The line of a file, for hints that quote the script; nil when it cannot be read.
local function source_line(path, n)
  local f = io_open(path, "r")
  if f == nil then
    return nil
  end
  local i, text = 0, nil
  for line in f:lines() do
    i = i + 1
    if i == n then
      text = line
      break
    end
  end
  f:close()
  return text
end

-- loadfile's message, with the hint for a slip Lua's parser reports poorly (dsl.lua).
local function load_error(err)
  return dk._explain_load_error(err, source_line)
end

local function out(...)
  io_stdout:write(...)
end

local function warn(fmt, ...)
  io_stderr:write(PROG, ": warning: ", fmt:format(...), "\n")
end

local function dirname(path)
  local dir = path:match("^(.*)/[^/]*$")
  if dir == nil then
    return "."
  end
  return dir == "" and "/" or dir
end

local function extension(path)
  return (path:match("%.([%w]+)$") or ""):lower()
end

-- Colours only on a terminal, and never when NO_COLOR is set to anything (no-color.org).
local function use_color(fd)
  local no_color = os_getenv("NO_COLOR")
  if no_color ~= nil and no_color ~= "" then
    return false
  end
  if os_getenv("TERM") == "dumb" then
    return false
  end
  return host.isatty(fd)
end

---------------------------------------------------------------------------------------------
-- Argument values

local function check_duration(cmd, flag, text)
  local ns, err = host.parse_duration(text)
  if ns == nil then
    usage_error(cmd, "%s: %s", flag, err)
  end
  if ns <= 0 then
    usage_error(cmd, "%s must be a positive duration (got %s)", flag, text)
  end
  return text
end

local function check_integer(cmd, flag, text, min, what)
  local n = text:match("^%s*%d+%s*$") and math.tointeger(tonumber(text))
  if n == nil or n < min then
    usage_error(cmd, "%s must be %s (got %s)", flag, what, text)
  end
  return n
end

-- Asked before a long run rather than after it: can the output be written at all?
local function check_output(path)
  local ok, err = host.check_output(path)
  if not ok then
    raise(EXIT_BAD_INPUT, "%s", err)
  end
end

---------------------------------------------------------------------------------------------
-- Argument parsing: each command lists its options as {flag, VALUE-or-nil, help, key}.

local function find_option(spec, flag)
  for _, o in ipairs(spec.options) do
    if o[1] == flag or o.alias == flag then
      return o
    end
  end
end

local function option_key(o)
  return o.key or o[1]:gsub("^%-+", ""):gsub("%-", "_")
end

-- "; did you mean --for?" (each name within `quote`, if given) when one of `names` is near `word` (host.suggest: the same rule as
-- the module's option keys), else "".
local function did_you_mean(word, names, quote)
  local best = host.suggest(word, names)
  quote = quote or ""
  return best and ("; did you mean %s%s%s?"):format(quote, best, quote) or ""
end

-- Returns the options as a table keyed by name and the positional arguments, or {help=true}.
local function parse(cmd, spec, argv, first)
  local opts, pos = {}, {}
  for i = first, #argv do
    if argv[i] == "--" then
      break
    end
    if argv[i] == "-h" or argv[i] == "--help" then
      return { help = true }, pos
    end
  end
  local i = first
  while i <= #argv do
    local a = argv[i]
    if a == "--" then
      table.move(argv, i + 1, #argv, #pos + 1, pos)
      break
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      local flag, inline = a:match("^(%-%-[^=]+)=(.*)$")
      flag = flag or a
      local o = find_option(spec, flag)
      if o == nil then
        local flags = {}
        for _, known in ipairs(spec.options) do
          flags[#flags + 1] = known[1]
          flags[#flags + 1] = known.alias
        end
        usage_error(cmd, "unknown option %s%s", flag, did_you_mean(flag, flags))
      end
      if o[2] then
        local v = inline
        if v == nil then
          i = i + 1
          v = argv[i]
          if v == nil then
            usage_error(cmd, "option %s needs a value (%s)", flag, o[2])
          end
        end
        opts[option_key(o)] = v
      else
        if inline ~= nil then
          usage_error(cmd, "option %s takes no value", flag)
        end
        opts[option_key(o)] = true
      end
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return opts, pos
end

local function one_design(cmd, pos)
  if #pos == 0 then
    usage_error(cmd, "which design? give a DESIGN.lua or DESIGN.json")
  elseif #pos > 1 then
    usage_error(cmd, "one design at a time (got %d: %s)", #pos, table.concat(pos, " "))
  end
  return pos[1]
end

---------------------------------------------------------------------------------------------
-- The sandbox and loading a design

-- Turns the sandbox on (once), unless --unsafe: the safe standard library, and writes only
-- inside the folder named with --allow-write (none by default). `script` is the file about to
-- run, which that folder may not hold unless --allow-write-above says so.
local function confine(opts, script)
  if opts.allow_write_above and not opts.allow_write then
    raise(EXIT_BAD_INPUT, "--allow-write-above goes with --allow-write DIR")
  end
  if opts.unsafe or host.sandboxed() then
    return
  end
  local ok, err = host.sandbox(opts.allow_write, script, opts.allow_write_above)
  if not ok then
    raise(EXIT_BAD_INPUT, "%s", err)
  end
end

local is_model = host.is_model

local function describe_value(v)
  if v == nil then
    return "nil"
  end
  local t = type(v)
  if t == "string" then
    return ("a string %q"):format(#v > 20 and v:sub(1, 20) .. "..." or v)
  end
  return (t == "userdata" or t == "table") and ("a " .. t) or ("%s %s"):format(t, tostring(v))
end

-- Loads DESIGN.lua (run sandboxed unless --unsafe) or DESIGN.json; returns the model. Every
-- failure is bad input, exit 2, with the file named.
local function load_design(path, opts)
  if extension(path) == "json" then
    local m, err = dk.load_json(path)
    if m == nil then
      raise(EXIT_BAD_INPUT, "%s", err or ("cannot read " .. path))
    end
    return m
  end
  local chunk, err = loadfile(path, "t")
  if chunk == nil then
    raise(EXIT_BAD_INPUT, "%s", load_error(err))
  end
  confine(opts, path)
  local ok, m = pcall(chunk, path)
  host.pin_locale() -- a script under --unsafe may have changed it
  if not ok then
    fail_with(m)
  end
  if not is_model(m) then
    raise(EXIT_BAD_INPUT, "%s: the script must return a model (got %s)", path, describe_value(m))
  end
  if not pcall(m.name, m) then -- only a closed model refuses its name
    raise(EXIT_BAD_INPUT, "%s: the script returned a model it had closed (by m:close() or a "
      .. "<close> variable): return it open", path)
  end
  return m
end

---------------------------------------------------------------------------------------------
-- The progress bar: stderr, terminal only, redrawn at most once per percent.

local function progress_bar()
  local last, width = -1, 30
  local started = os_clock()
  local shown = false
  local function draw(done, total)
    local f = done
    if total ~= nil then
      f = total > 0 and done / total or 1
    end
    if type(f) ~= "number" or f ~= f then
      return
    end
    f = math.max(0, math.min(1, f))
    local pct = math.floor(f * 100)
    if pct == last or os_clock() - started < 0.2 then
      return
    end
    last, shown = pct, true
    local n = math.floor(f * width + 0.5)
    io_stderr:write(("\r[%s%s] %3d%%"):format(("#"):rep(n), ("."):rep(width - n), pct))
    io_stderr:flush()
  end
  local function finish()
    if shown then
      io_stderr:write("\r", (" "):rep(width + 8), "\r")
      io_stderr:flush()
    end
  end
  return draw, finish
end

---------------------------------------------------------------------------------------------
-- Findings: what `check` prints, and what `run` prints when it refuses a design

local function pad(s, n)
  return s .. (" "):rep(n - #s)
end

-- m:check() and its counts of errors and warnings; a failing checker exits as fail_with says.
local function check_model(m)
  local ok, findings = pcall(m.check, m)
  if not ok then
    fail_with(findings)
  end
  local errors, warnings = 0, 0
  for _, f in ipairs(findings) do
    if f.severity == "error" then
      errors = errors + 1
    elseif f.severity == "warning" then
      warnings = warnings + 1
    end
  end
  return findings, errors, warnings
end

-- Writes each finding as SEVERITY  RULE  COMPONENT  MESSAGE (and its hint), then the counts,
-- through `write`: stdout for check, stderr for a refused run.
local function print_findings(write, findings, errors, warnings, color)
  local w = { 0, 0, 0 }
  for _, f in ipairs(findings) do
    w[1] = math.max(w[1], #tostring(f.severity))
    w[2] = math.max(w[2], #tostring(f.rule))
    w[3] = math.max(w[3], #tostring(f.component or "-"))
  end
  for _, f in ipairs(findings) do
    local sev = pad(tostring(f.severity), w[1])
    if color then
      sev = (f.severity == "error" and "\27[31m" or "\27[33m") .. sev .. "\27[0m"
    end
    write(sev, "  ", pad(tostring(f.rule), w[2]), "  ", pad(tostring(f.component or "-"), w[3]),
          "  ", tostring(f.message), "\n")
    if f.hint and f.hint ~= "" then
      write("  hint: ", f.hint, "\n")
    end
  end
  if #findings == 0 then
    write("no findings\n")
  else
    write(("%d error%s, %d warning%s\n"):format(errors, errors == 1 and "" or "s", warnings,
                                                warnings == 1 and "" or "s"))
  end
end

-- A design that check finds errors in is not run unless --force: a balancer with no backend or
-- a synchronous cycle gives numbers nobody should trust. The findings go to stderr as check
-- prints them, and the command exits 1 before anything is simulated or written.
local function refuse_if_broken(m, opts, cmd)
  if opts.force then
    return
  end
  local findings, errors, warnings = check_model(m)
  if errors == 0 then
    return
  end
  print_findings(function(...)
    io_stderr:write(...)
  end, findings, errors, warnings, use_color(2))
  raise(EXIT_FAILED, "%s: check found %d error%s (above); fix %s, or run anyway with --force",
        cmd, errors, errors == 1 and "" or "s", errors == 1 and "it" or "them")
end

-- Runs the model, unless check finds errors in it (refuse_if_broken); a Lua handler's error or
-- a bad option is the design's fault: exit 2; the simulator's own failure exits 3 (fail_with).
local function run_model(m, opts, cmd)
  refuse_if_broken(m, opts, cmd)
  -- force: m:run would check the design again; it has been checked, or --force said not to.
  local args = { force = true, duration = opts["for"] or DEFAULT_DURATION,
                 seed = opts.seed or DEFAULT_SEED,
                 requests = opts.requests, warmup = opts.warmup,
                 replications = opts.replications, overload = opts.overload }
  local finish
  if not opts.quiet and host.isatty(2) then
    args.progress, finish = progress_bar()
  end
  local ok, result, err = pcall(m.run, m, args)
  host.pin_locale() -- a handler under --unsafe may have changed it
  if finish then
    finish()
  end
  if not ok then
    fail_with(result)
  end
  if result == nil then
    raise(EXIT_BAD_INPUT, "%s: %s", cmd, err or "the run failed")
  end
  return result
end

local function read_run_options(cmd, opts)
  if opts["for"] then
    check_duration(cmd, "--for", opts["for"])
  end
  if opts.seed then
    opts.seed = check_integer(cmd, "--seed", opts.seed, 0, "a whole number >= 0")
  end
  if opts.requests then
    opts.requests = check_integer(cmd, "--requests", opts.requests, 1, "a whole number > 0")
  end
  if opts.warmup then
    local ns, err = host.parse_duration(opts.warmup)
    if opts.warmup:match("^%s*0+%s*$") then
      ns, opts.warmup = 0, "0s" -- no warm-up needs no unit
    end
    if ns == nil then
      usage_error(cmd, "--warmup: %s", err)
    end
    if ns < 0 then
      usage_error(cmd, "--warmup must be a duration >= 0 (got %s)", opts.warmup)
    end
    local run_ns = host.parse_duration(opts["for"] or DEFAULT_DURATION)
    if ns >= run_ns then
      usage_error(cmd, "--warmup (%s) must be shorter than the run (--for %s)", opts.warmup,
                  opts["for"] or DEFAULT_DURATION)
    end
  end
  if opts.replications then
    opts.replications = check_integer(cmd, "--replications", opts.replications, 1,
                                      "a whole number >= 1")
  end
  if opts.overload == "off" then
    opts.overload = false -- m:run's "no overload check"
  elseif opts.overload then
    opts.overload = check_integer(cmd, "--overload", opts.overload, 1,
                                  "a whole number >= 1 or off")
  end
end

---------------------------------------------------------------------------------------------
-- Commands

local commands = {}
local order = { "run", "check", "draw", "export", "test", "cache-replay", "version", "help" }

local UNSAFE = { "--unsafe", nil, "no sandbox: os.execute, io.popen, C modules, writes anywhere" }
local ALLOW_WRITE = { "--allow-write", "DIR",
                      "let the script write files inside DIR (without it, a script writes none)" }
local ALLOW_ABOVE = { "--allow-write-above", nil,
                      "with --allow-write: allow a DIR that holds the script itself" }
local HELP = { "--help", nil, "show this help", alias = "-h" }
local MAX_TIME = { "--max-time", "DURATION",
                   ("stop after DURATION of wall-clock time, or none (default %s; none with " ..
                       "--unsafe)"):format(DEFAULT_MAX_TIME) }
local MAX_MEMORY = { "--max-memory", "SIZE",
                     ("stop once scripts and simulator hold SIZE, or none (default %s; none " ..
                         "with --unsafe)"):format(DEFAULT_MAX_MEMORY) }
local MAX_INSTRUCTIONS = { "--max-instructions", "N",
                           ("stop after N Lua instructions, or none (default %s; none with " ..
                               "--unsafe)"):format(DEFAULT_MAX_INSTRUCTIONS) }

-- The limits of a command that runs a script, in the order they are set. For each, a flag
-- wins, then (for memory) DESIGNKIT_MAX_MEMORY, then the default of safe mode; --unsafe has
-- no defaults. `script` is the file the messages name.
local LIMITS = {
  { key = "max_time", name = "time", flag = "--max-time", default = DEFAULT_MAX_TIME },
  { key = "max_memory", name = "memory", flag = "--max-memory", default = DEFAULT_MAX_MEMORY },
  { key = "max_instructions", name = "instructions", flag = "--max-instructions",
    default = DEFAULT_MAX_INSTRUCTIONS },
}

local function apply_limits(cmd, opts, script)
  if script then
    limits.script(script)
  end
  for _, l in ipairs(LIMITS) do
    local text, origin = opts[l.key], "flag"
    if text == nil and (opts.unsafe or (l.name == "memory" and limits.memory())) then
      text = nil -- none, or DESIGNKIT_MAX_MEMORY as read at start
    elseif text == nil then
      text, origin = l.default, "default"
    end
    if text ~= nil then
      local ok, err = limits.set(l.name, text, origin)
      if not ok then
        usage_error(cmd, "%s: %s", l.flag, err)
      end
    end
  end
end

commands.run = {
  summary = "simulate a design, print its report, check its expectations",
  usage = "designkit run DESIGN.lua|DESIGN.json [options]",
  about = [[
Pushes the design's workload through a deterministic discrete-event simulation and prints a
report: per component (kind, arrivals, throughput, utilisation, mean queue, hit ratio, p50 and
p99 latency), end to end per request class (count, throughput, availability, mean, p50, p90,
p99, p99.9), then the script's expectations with PASS or FAIL. The same design and seed give
the same report, byte for byte. A progress bar shows on stderr when it is a terminal.]],
  options = {
    { "--for", "DURATION", "simulated time to run, e.g. 90s, 5m, 1h (default 60s)" },
    { "--seed", "N", "seed of every random draw (default 1)" },
    { "--requests", "N", "stop once N requests have been created" },
    { "--warmup", "DURATION", "leave the first DURATION out of every statistic (default 0)" },
    { "--replications", "N",
      "run N times (seeds SEED..SEED+N-1): means with 95% intervals across the runs" },
    { "--overload", "N|off",
      "stop as overloaded once N requests wait at a component that cannot keep up " ..
      "(default 1048576)" },
    { "--json", "FILE", "also write the result as JSON to FILE; - prints it instead of the report" },
    { "--quiet", nil, "no report and no progress bar: only errors and the exit code" },
    { "--force", nil, "run even when check finds errors (without it they are printed, not run)" },
    ALLOW_WRITE, ALLOW_ABOVE, UNSAFE, MAX_TIME, MAX_MEMORY, MAX_INSTRUCTIONS, HELP,
  },
  exits = "0 ran and every expectation held; 1 an expectation failed, or check found errors " ..
      "and the design was not run (see --force); 2 bad input",
}

function commands.run.main(opts, pos)
  local path = one_design("run", pos)
  read_run_options("run", opts)
  if opts.json and opts.json ~= "-" then
    check_output(opts.json)
  end
  local m = load_design(path, opts)
  local result = run_model(m, opts, "run")
  -- Decided in C from the run itself: the exit code cannot end below 1 when this is false.
  local met = host.judge(result)
  if opts.json then
    local text = result:json()
    if text:sub(-1) ~= "\n" then
      text = text .. "\n"
    end
    if opts.json == "-" then
      out(text)
    else
      local ok, err = host.write_atomic(opts.json, text)
      if not ok then
        raise(EXIT_BAD_INPUT, "%s", err)
      end
    end
  end
  if not opts.quiet and opts.json ~= "-" then
    out(report_format(result, { color = use_color(1) }))
  end
  return met and EXIT_OK or EXIT_FAILED
end

commands.check = {
  summary = "validate a design: single points of failure, unreachable parts, call cycles",
  usage = "designkit check DESIGN.lua|DESIGN.json [options]",
  about = [[
Applies the validation rules to the design without running it and prints each finding as
  SEVERITY  RULE  COMPONENT  MESSAGE
    hint: what to do about it]],
  options = {
    { "--json", nil, "print the findings as a JSON array instead" },
    { "--strict", nil, "warnings fail too (exit 1), not only errors" },
    ALLOW_WRITE, ALLOW_ABOVE, UNSAFE, MAX_TIME, MAX_MEMORY, MAX_INSTRUCTIONS, HELP,
  },
  exits = "0 no error (warnings allowed unless --strict); 1 at least one error, or with " ..
      "--strict a warning; 2 bad input",
}

function commands.check.main(opts, pos)
  local path = one_design("check", pos)
  local m = load_design(path, opts)
  local findings, errors, warnings = check_model(m)
  if opts.json then
    out(dk.json.encode(findings), "\n")
  else
    print_findings(out, findings, errors, warnings, use_color(1))
  end
  -- Decided in C as well: the exit code cannot end below 1 when the model fails its check.
  local clean = host.judge_check(m, opts.strict)
  if not clean or errors > 0 or (opts.strict and warnings > 0) then
    return EXIT_FAILED
  end
  return EXIT_OK
end

local DRAW_FORMATS = { svg = true, png = true, pdf = true, dot = true }

commands.draw = {
  summary = "draw a design as SVG, PNG, PDF or Graphviz DOT",
  usage = "designkit draw DESIGN.lua|DESIGN.json -o OUT.svg|png|pdf|dot [options]",
  about = [[
Lays the design out with Graphviz: components as nodes, groups (regions, zones) as boxes, links
as arrows. The format comes from the extension of OUT. With --after-run the design is simulated
first and the drawing is coloured by what happened (utilisation, errors).]],
  options = {
    { "-o", "OUT", "the file to write (.svg, .png, .pdf or .dot)", key = "output",
      alias = "--output" },
    { "--after-run", nil, "simulate first and colour the drawing with the results" },
    { "--for", "DURATION", "with --after-run: simulated time (default 60s)" },
    { "--seed", "N", "with --after-run: seed (default 1)" },
    { "--force", nil, "with --after-run: run even when check finds errors" },
    ALLOW_WRITE, ALLOW_ABOVE, UNSAFE, MAX_TIME, MAX_MEMORY, MAX_INSTRUCTIONS, HELP,
  },
  exits = "0 drawn; 1 with --after-run, check found errors and nothing was drawn (see " ..
      "--force); 2 bad input (bad extension, unwritable path: no partial file is left)",
}

function commands.draw.main(opts, pos)
  local path = one_design("draw", pos)
  local output = opts.output
  if output == nil then
    usage_error("draw", "where to? give -o OUT.svg (or .png, .pdf, .dot)")
  end
  if not DRAW_FORMATS[extension(output)] then
    usage_error("draw", "cannot tell the format of %s: use .svg, .png, .pdf or .dot", output)
  end
  read_run_options("draw", opts)
  check_output(output)
  local m = load_design(path, opts)
  local draw_opts = {}
  if opts.after_run then
    draw_opts.after_run = run_model(m, opts, "draw")
  end
  -- The host writes what the user named: the sandbox's rule is for the script.
  local ok, done, err = pcall(host.privileged, m.draw, m, output, draw_opts)
  if not ok then
    fail_with(done)
  end
  if not done then
    raise(EXIT_BAD_INPUT, "%s", err or ("cannot draw " .. output))
  end
  return EXIT_OK
end

commands.export = {
  summary = "write a design as JSON (run, check and draw read it back)",
  usage = "designkit export DESIGN.lua -o OUT.json [options]",
  about = [[
Writes the model as JSON: components, links, groups, workload, expectations. Handlers
written in Lua cannot be carried over; each one left out is named in a warning on stderr.]],
  options = {
    { "-o", "OUT", "the JSON file to write", key = "output", alias = "--output" },
    ALLOW_WRITE, ALLOW_ABOVE, UNSAFE, MAX_TIME, MAX_MEMORY, MAX_INSTRUCTIONS, HELP,
  },
  exits = "0 written (warnings allowed); 2 bad input",
}

local function describe_omitted(item)
  if type(item) ~= "table" then
    return tostring(item)
  end
  if item.message or item.text then
    return item.message or item.text
  end
  local parts = {}
  if item.component then
    parts[#parts + 1] = ("%s"):format(item.component)
  end
  if item.class then
    parts[#parts + 1] = ("class %s"):format(item.class)
  end
  return ("the Lua handler of %s"):format(#parts > 0 and table.concat(parts, ", ") or "?")
end

function commands.export.main(opts, pos)
  local path = one_design("export", pos)
  local output = opts.output
  if output == nil then
    usage_error("export", "where to? give -o OUT.json")
  end
  if extension(output) ~= "json" then
    usage_error("export", "the export is JSON: name it .json (got %s)", output)
  end
  check_output(output)
  local m = load_design(path, opts)
  local ok, done, omitted = pcall(host.privileged, m.export, m, output)
  if not ok then
    fail_with(done)
  end
  if not done then
    raise(EXIT_BAD_INPUT, "%s", omitted or ("cannot write " .. output))
  end
  if type(omitted) == "table" then
    for _, item in ipairs(omitted) do
      warn("left out %s", describe_omitted(item))
    end
  end
  return EXIT_OK
end

commands.test = {
  summary = "run spec files (describe/it) with the built-in runner",
  usage = "designkit test SPEC.lua... [options]",
  about = [[
Runs each spec file's describe/it blocks and prints a closing line "N passed, N failed".]],
  options = { ALLOW_WRITE, ALLOW_ABOVE, UNSAFE, MAX_TIME, MAX_MEMORY, MAX_INSTRUCTIONS, HELP },
  exits = "0 every spec passed; 1 a spec failed; 2 bad input",
}

function commands.test.main(opts, pos)
  if #pos == 0 then
    usage_error("test", "which spec files? give one or more SPEC.lua")
  end
  for _, file in ipairs(pos) do
    local f, err = io_open(file, "r")
    if f == nil then
      raise(EXIT_BAD_INPUT, "cannot open %s", err) -- err reads "FILE: reason"
    end
    f:close()
  end
  confine(opts, pos[1])
  return spec_main(pos, host.record_failures)
end

commands["cache-replay"] = {
  summary = "replay a block trace through cache policies and sizes: hit ratios",
  usage = "designkit cache-replay TRACE [--policies LIST] [--sizes LIST] [-o PLOT.svg]",
  about = [[
Reads TRACE (the .lis format of the ARC paper: "start count _ _" a line, a line being count
consecutive blocks; - reads standard input, so `gzip -dc T.lis.gz | designkit cache-replay -`),
replays every request through a cache of each policy and size (a get, and a put on a miss),
and prints the hit ratios, one row per size. Policies are those of dk.cache, and min:
Belady's offline optimum, the ceiling no online policy passes. With -o, draws hit ratio
against cache size to an SVG file.]],
  options = {
    { "--policies", "LIST", "policies, comma-separated (default lru)", key = "policies" },
    { "--sizes", "LIST", "cache sizes in entries, comma-separated, increasing (default 1000)",
      key = "sizes" },
    { "-o", "OUT.svg", "draw hit ratio against cache size to OUT.svg", key = "output",
      alias = "--output" },
    HELP,
  },
  exits = "0 replayed; 2 bad input (an unreadable trace, a malformed line, an unknown policy)",
}

local function split_list(text)
  local items = {}
  for item in (text .. ","):gmatch("([^,]*),") do
    items[#items + 1] = item
  end
  return items
end

local function cache_replay_main(opts, pos)
  local cmd = "cache-replay"
  if #pos ~= 1 then
    usage_error(cmd, "which trace? give one TRACE (or - for standard input)")
  end
  local policies = split_list(opts.policies or "lru")
  local sizes = {}
  for i, text in ipairs(split_list(opts.sizes or "1000")) do
    local n = tonumber(text)
    if n == nil or n < 1 or n ~= math.floor(n) or n >= 2^53 then
      usage_error(cmd, "--sizes: %q is not a positive whole number", text)
    end
    sizes[i] = math.tointeger(n)
  end
  if opts.output ~= nil then
    if extension(opts.output) ~= "svg" then
      usage_error(cmd, "-o: the picture is SVG: give OUT.svg (got %s)", opts.output)
    end
    check_output(opts.output)
  end
  -- The host writes what the user named, as draw does.
  local ok, r, err = pcall(host.privileged, dk.cache_replay,
                           { trace = pos[1], policies = policies, sizes = sizes,
                             svg = opts.output })
  if not ok then
    fail_with(r)
  end
  if r == nil then
    raise(EXIT_BAD_INPUT, "%s", err)
  end
  local lines = { ("%d requests from %s\n"):format(r.requests, pos[1] == "-" and "stdin" or pos[1]),
                  ("%10s"):format("size") }
  for _, p in ipairs(policies) do
    lines[2] = lines[2] .. ("  %8s"):format(p)
  end
  lines[2] = lines[2] .. "\n"
  for i, size in ipairs(sizes) do
    local row = ("%10d"):format(size)
    for _, p in ipairs(policies) do
      row = row .. ("  %7.2f%%"):format(r.hit_ratio[p][i] * 100)
    end
    lines[#lines + 1] = row .. "\n"
  end
  out(table.concat(lines))
  return EXIT_OK
end
commands["cache-replay"].main = cache_replay_main

commands.version = {
  summary = "print the version",
  usage = "designkit version",
  about = "Prints the version of designkit and of the Lua it embeds.",
  options = { HELP },
}

local function version_line()
  return ("%s %s (%s)\n"):format(PROG, host.version, _VERSION)
end

function commands.version.main(_, pos)
  if #pos > 0 then
    usage_error("version", "takes no arguments (got %s)", pos[1])
  end
  out(version_line())
  return EXIT_OK
end

commands.help = {
  summary = "show the help of a command",
  usage = "designkit help [COMMAND]",
  about = "Shows the help of COMMAND, or the list of commands.",
  options = { HELP },
}

---------------------------------------------------------------------------------------------
-- Help texts

local function command_help(name)
  local c = commands[name]
  local lines = { "usage: " .. c.usage, "", c.summary:sub(1, 1):upper() .. c.summary:sub(2) .. ".",
                  "" }
  if c.about then
    lines[#lines + 1] = c.about
    lines[#lines + 1] = ""
  end
  lines[#lines + 1] = "options:"
  local w = 0
  local left = {}
  for i, o in ipairs(c.options) do
    local flag = o.alias and (o[1]:sub(1, 2) == "--" and (o.alias .. ", " .. o[1]) or
                     (o[1] .. ", " .. o.alias)) or o[1]
    left[i] = o[2] and (flag .. " " .. o[2]) or flag
    w = math.max(w, #left[i])
  end
  for i, o in ipairs(c.options) do
    lines[#lines + 1] = ("  %s  %s"):format(pad(left[i], w), o[3])
  end
  if c.exits then
    lines[#lines + 1] = ""
    lines[#lines + 1] = "exit codes: " .. c.exits .. "; 3 internal error"
  end
  return table.concat(lines, "\n") .. "\n"
end

local function main_help()
  local lines = {
    ("%s %s - write a software design in Lua; simulate, validate, draw and export it"):format(PROG,
                                                                                          host.version),
    "",
    "usage: designkit COMMAND [OPTIONS] [ARGS]",
    "       designkit [--unsafe] [--allow-write DIR] FILE.lua [ARGS]",
    "                                  run a plain Lua script with designkit loaded",
    "",
    "commands:",
  }
  for _, name in ipairs(order) do
    lines[#lines + 1] = ("  %s  %s"):format(pad(name, 8), commands[name].summary)
    if name == "test" then -- a command in its own module (designkit.exercise)
      lines[#lines + 1] = ("  %s  %s"):format(pad("exercise", 8),
        "design exercises with provided tests: list, show, start, test, verify")
    end
  end
  for _, l in ipairs {
    "",
    "options:",
    "  --unsafe    scripts get the full standard library (by default: no os.execute, io.popen,",
    "              C modules, debug library or locale changes, and no writes)",
    "  --allow-write DIR  the folder a script may write files in (by default none; outputs",
    "              named on the command line, -o and --json, are written by designkit itself)",
    "  --max-time DURATION, --max-memory SIZE, --max-instructions N",
    ("              stop a script at these limits, or none (defaults %s, %s, %s; none with"):format(
      DEFAULT_MAX_TIME, DEFAULT_MAX_MEMORY, DEFAULT_MAX_INSTRUCTIONS),
    "              --unsafe); every command that runs a script takes them too",
    "  --version   print the version",
    "  -h, --help  show this help",
    "",
    "exit codes: 0 success; 1 failed validation, expectations or specs; 2 bad input",
    "            (script error, bad argument, unreadable file, malformed JSON); 3 internal error",
    "            (the simulator failed: out of memory, broken bookkeeping)",
    "",
    "Run 'designkit COMMAND --help' for a command's options. NO_COLOR=1 turns colours off;",
    "DESIGNKIT_MAX_MEMORY=512MiB sets the memory limit when --max-memory is not given.",
  } do
    lines[#lines + 1] = l
  end
  return table.concat(lines, "\n") .. "\n"
end

function commands.help.main(_, pos)
  local name = pos[1]
  if name == nil then
    out(main_help())
  elseif commands[name] then
    out(command_help(name))
  elseif name == "exercise" then
    out(require("designkit.exercise").main_help())
  else
    usage_error(nil, "no command '%s'", name)
  end
  return EXIT_OK
end

---------------------------------------------------------------------------------------------
-- A plain script: designkit [--unsafe] [--allow-write DIR] FILE.lua [ARGS]

-- `arg` as lua5.4 sets it: arg[0] the script, arg[1..] its arguments, what came before the
-- script at negative indices.
local function run_script(argv, i, opts)
  local path = argv[i]
  local chunk, err = loadfile(path, "t")
  if chunk == nil then
    raise(EXIT_BAD_INPUT, "%s", load_error(err))
  end
  local arg = {}
  for k = 0, #argv do
    arg[k - i] = argv[k]
  end
  G.arg = arg
  confine(opts, path)
  local results = table.pack(pcall(chunk, table.unpack(argv, i + 1)))
  if not results[1] then
    fail_with(results[2])
  end
  -- A script may return an exit code, since os.exit is not in the sandbox.
  local code = math.type(results[2]) == "integer" and results[2] or EXIT_OK
  return (code >= 0 and code <= 255) and code or EXIT_FAILED
end

---------------------------------------------------------------------------------------------

-- The limit a global flag (before the command or script) names, or nil.
local function limit_flag(flag)
  for _, l in ipairs(LIMITS) do
    if l.flag == flag then
      return { key = l.key, value = l.flag == "--max-time" and "DURATION" or
                 l.flag == "--max-memory" and "SIZE" or "N" }
    end
  end
end

function cli.main(argv)
  local i, unsafe = 1, false
  local script_opts = {}
  while argv[i] ~= nil do
    local a = argv[i]
    if a == "-h" or a == "--help" then
      out(main_help())
      return EXIT_OK
    elseif a == "--version" then
      out(version_line())
      return EXIT_OK
    elseif a == "--unsafe" then
      unsafe = true
    elseif a == "--allow-write" or a:match("^%-%-allow%-write=") then
      local dir = a:match("^%-%-allow%-write=(.*)$")
      if dir == nil then
        i = i + 1
        dir = argv[i]
      end
      if dir == nil or dir == "" then
        usage_error(nil, "option --allow-write needs a value (DIR)")
      end
      script_opts.allow_write = dir
    elseif a == "--allow-write-above" then
      script_opts.allow_write_above = true
    elseif a:match("^%-%-max%-[%l-]+") and limit_flag(a:match("^[^=]+")) then
      local flag, value = a:match("^([^=]+)=(.*)$")
      if flag == nil then
        flag = a
        i = i + 1
        value = argv[i]
      end
      if value == nil then
        usage_error(nil, "option %s needs a value (%s)", flag, limit_flag(flag).value)
      end
      script_opts[limit_flag(flag).key] = value
    elseif a:sub(1, 1) == "-" then
      usage_error(nil, "unknown option %s%s", a,
                  did_you_mean(a, { "--unsafe", "--allow-write", "--allow-write-above",
                                    "--max-time", "--max-memory", "--max-instructions",
                                    "--version", "--help", "-h" }))
    else
      break
    end
    i = i + 1
  end
  local name = argv[i]
  if name == nil then
    io_stderr:write(main_help())
    return EXIT_BAD_INPUT
  end
  local c = commands[name]
  if c == nil then
    if name:find("[./]") then
      script_opts.unsafe = unsafe
      apply_limits(nil, script_opts, name)
      return run_script(argv, i, script_opts)
    end
    -- Commands that live in their own embedded module (designkit.exercise) parse their own
    -- arguments; only preloaded modules are asked, never a file found on package.path.
    local module = "designkit." .. name
    if name:match("^%l+$") and package.preload[module] then
      local mod = require(module)
      if type(mod) == "table" and type(mod.command) == "function" then
        return mod.command(table.move(argv, i + 1, #argv, 1, {}), { unsafe = unsafe })
      end
    end
    local names = table.move(order, 1, #order, 1, {})
    for key in pairs(package.preload) do
      names[#names + 1] = key:match("^designkit%.(%l+)$") -- commands in their own module
    end
    table.sort(names)
    usage_error(nil, "unknown command '%s'%s", name, did_you_mean(name, names, "'"))
  end
  local opts, pos = parse(name, c, argv, i + 1)
  if opts.help then
    out(command_help(name))
    return EXIT_OK
  end
  opts.unsafe = opts.unsafe or unsafe
  opts.allow_write = opts.allow_write or script_opts.allow_write
  opts.allow_write_above = opts.allow_write_above or script_opts.allow_write_above
  if find_option(c, "--max-time") then -- a command that runs a script
    for _, l in ipairs(LIMITS) do
      opts[l.key] = opts[l.key] or script_opts[l.key]
    end
    apply_limits(name, opts, pos[1])
  end
  return c.main(opts, pos)
end

return cli
