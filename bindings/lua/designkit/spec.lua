-- designkit.spec: a small describe/it test runner for design scripts and designkit's own specs.
--
-- A spec often loads code it does not trust (a learner's solution, a downloaded design). That
-- code shares the Lua state with the runner, so the runner keeps its own copies of what it uses
-- (designkit.pristine, taken before anything ran), and each spec file gets its own globals: a
-- design that replaces pairs, string.format or expect changes its own world, not the spec's
-- verdict.
local P = require "designkit.pristine"
local error, ipairs, next, pairs, pcall, rawequal, setmetatable, tostring, type, xpcall, loadfile =
  P.error, P.ipairs, P.next, P.pairs, P.pcall, P.rawequal, P.setmetatable, P.tostring, P.type,
  P.xpcall, P.loadfile
local getmetatable = P.getmetatable
local string, table, math = P.string, P.table, P.math
local traceback = P.debug and P.debug.traceback
local io_stdout, io_stderr = P.io.stdout, P.io.stderr
local G = _G
local _ENV = nil

local M = {}

-- ---- deep comparison with the path of the first difference ----

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

local function sorted_keys(a, b)
  local keys, seen = {}, {}
  for _, t in ipairs { a, b } do
    for k in pairs(t) do
      if not seen[k] then seen[k] = true; keys[#keys + 1] = k end
    end
  end
  table.sort(keys, function(x, y)
    local tx, ty = type(x), type(y)
    if tx ~= ty then return tx < ty end
    if tx == "number" or tx == "string" then return x < y end
    return tostring(x) < tostring(y)
  end)
  return keys
end

local function path_of(path, k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return path .. "." .. k end
  return path .. "[" .. show(k) .. "]"
end

-- nil when equal, else a message naming the first differing path.
local function diff(a, b, path, seen)
  if a == b then return nil end
  if type(a) ~= "table" or type(b) ~= "table" then
    if type(a) == "number" and type(b) == "number" and a ~= a and b ~= b then return nil end
    return string.format("at %s: expected %s, got %s", path == "" and "(value)" or path, show(b), show(a))
  end
  seen[a] = seen[a] or {}
  if seen[a][b] then return nil end
  seen[a][b] = true
  for _, k in ipairs(sorted_keys(a, b)) do
    local d = diff(a[k], b[k], path_of(path, k), seen)
    if d then return d end
  end
  return nil
end

-- ---- expectations ----

local Expect = {}
Expect.__index = Expect

-- A failed expectation raises its message as a string, with the caller's file:line in front
-- (designkit test prints it). The exercise runner (designkit.exercise_spec) turns tagging on: the
-- message then travels in a FAILURE object, so that a failed expect ("fail") is told from any
-- other error ("error"). expect(v, label) puts the label in front of the message.
local FAILURE = { __tostring = function(f) return f.message end }
local tagged = false

local function fail(self, msg)
  if self.label ~= nil then msg = tostring(self.label) .. ": " .. msg end
  if not tagged then error(msg, 3) end
  local at = traceback and traceback("", 3):match("\n%s*([^\n]-:%d+:)")
  error(setmetatable({ message = at and (at .. " " .. msg) or msg }, FAILURE), 0)
end

--- tag_failures(on): failed expectations raise FAILURE objects (the exercise runner's choice).
function M.tag_failures(on) tagged = on and true or false end

--- is_failure(e): whether the error `e` is a failed expectation (once tag_failures(true)).
function M.is_failure(e) return type(e) == "table" and getmetatable(e) == FAILURE end

function Expect:to_equal(w)
  local d = diff(self.v, w, "", {})
  if d then fail(self, "expected values to be equal: " .. d) end
end

function Expect:to_be(w)
  if not rawequal(self.v, w) then fail(self, string.format("expected %s, got %s", show(w), show(self.v))) end
end

function Expect:to_be_near(w, rel_tol)
  rel_tol = rel_tol or 1e-9
  local v = self.v
  if type(v) ~= "number" then fail(self, "expected a number near " .. show(w) .. ", got " .. show(v)) end
  local scale = math.max(math.abs(w), 1e-300)
  if not (math.abs(v - w) <= rel_tol * scale) then
    fail(self, string.format("expected %.10g to be within %g%% of %.10g (off by %.4g%%)", v,
      rel_tol * 100, w, math.abs(v - w) / scale * 100))
  end
end

function Expect:to_be_truthy()
  if not self.v then fail(self, "expected a truthy value, got " .. show(self.v)) end
end

function Expect:to_be_falsy()
  if self.v then fail(self, "expected a falsy value, got " .. show(self.v)) end
end

-- Patterns are Lua patterns; a plain substring match also counts, so messages with
-- punctuation ("x.lua:12:") can be written as they read.
local function matches(s, pattern)
  return s:find(pattern, 1, true) ~= nil or pcall(string.find, s, pattern) and s:find(pattern) ~= nil
end

function Expect:to_match(pattern)
  if type(self.v) ~= "string" or not matches(self.v, pattern) then
    fail(self, string.format("expected %s to match %s", show(self.v), show(pattern)))
  end
end

function Expect:to_be_less_than(x)
  if not (type(self.v) == "number" and self.v < x) then
    fail(self, string.format("expected %s to be less than %s", show(self.v), show(x)))
  end
end

function Expect:to_be_greater_than(x)
  if not (type(self.v) == "number" and self.v > x) then
    fail(self, string.format("expected %s to be greater than %s", show(self.v), show(x)))
  end
end

function Expect:to_fail(pattern)
  if type(self.v) ~= "function" then fail(self, "to_fail expects a function, got " .. show(self.v)) end
  local ok, err = pcall(self.v)
  if ok then fail(self, "expected an error" .. (pattern and " matching " .. show(pattern) or "")) end
  err = tostring(err)
  if pattern and not matches(err, pattern) then
    fail(self, string.format("expected an error matching %s, got %s", show(pattern), show(err)))
  end
end

local function expect(v, label) return setmetatable({ v = v, label = label }, Expect) end
M.expect = expect

--- here(): "file:line: " of the line that calls it, for checking the positions in error
--- messages. Works from debug.traceback alone, which sandboxes keep.
local function here()
  local tb = traceback("", 2)
  return tb:match("\n%s*([^\n]-:%d+:)") .. " "
end
M.here = here

-- ---- the runner ----

local copy = P.copy

-- The globals as they are when the runner starts, before any spec runs (the sandbox's versions,
-- when it is on): every spec file starts from a copy of these.
local function snapshot()
  local base = copy(G)
  for k, v in next, base do
    if type(v) == "table" and k ~= "_G" and k ~= "package" then
      base[k] = copy(v)
    end
  end
  return base
end

local module_copy = P.designkit_copy -- the designkit module as a spec sees it (pristine.lua)

-- A spec file's own globals: a fresh copy of `base`, each library a fresh copy too; names
-- that are not there (set by code the spec loads) are looked up in the shared globals. Its
-- require gives it its own copy of the designkit module.
local function spec_env(base)
  local env = {}
  for k, v in next, base do
    env[k] = type(v) == "table" and k ~= "package" and copy(v) or v
  end
  env._G = env
  local dk, shared_require = module_copy(), base.require
  env.require = function(name, ...)
    if name == "designkit" then
      return dk
    end
    return shared_require(name, ...)
  end
  return setmetatable(env, { __index = G })
end

-- Collects a file's tests: { name = "a > b", fn, hooks = { before_each... } }.
local function collect(file, base)
  local tests, stack, hooks = {}, {}, { {} }
  local env = spec_env(base)
  env.expect = expect
  env.here = here
  function env.describe(name, fn)
    stack[#stack + 1] = tostring(name)
    hooks[#hooks + 1] = {}
    fn()
    hooks[#hooks] = nil
    stack[#stack] = nil
  end
  function env.it(name, fn)
    local all = {}
    for _, level in ipairs(hooks) do
      for _, h in ipairs(level) do all[#all + 1] = h end
    end
    local parts = { table.unpack(stack) }
    parts[#parts + 1] = tostring(name)
    tests[#tests + 1] = { name = table.concat(parts, " > "), fn = fn, hooks = all }
  end
  function env.before_each(fn)
    local level = hooks[#hooks]
    level[#level + 1] = fn
  end
  local chunk, err = loadfile(file, "t", env)
  if not chunk then return nil, err end
  local ok, e = xpcall(chunk, traceback)
  if not ok then return nil, e end
  return tests
end

local function handler(e)
  if type(e) ~= "string" then e = show(e) end
  return e
end

--- Runs the spec files; prints each failure and the closing line "N passed, N failed".
local function run(files, out)
  out = out or io_stdout
  local passed, failed = 0, 0
  local base = snapshot()
  for _, file in ipairs(files) do
    local tests, err = collect(file, base)
    if not tests then
      failed = failed + 1
      out:write(string.format("FAIL %s (loading)\n  %s\n", file, err))
    else
      for _, t in ipairs(tests) do
        local ok, e = true, nil
        for _, h in ipairs(t.hooks) do
          ok, e = xpcall(h, handler)
          if not ok then break end
        end
        if ok then ok, e = xpcall(t.fn, handler) end
        if ok then
          passed = passed + 1
        else
          failed = failed + 1
          out:write(string.format("FAIL %s: %s\n  %s\n", file, t.name, e))
        end
      end
    end
  end
  out:write(string.format("%d passed, %d failed\n", passed, failed))
  out:flush()
  return passed, failed
end

M.run = run

--- For `designkit test FILE...`: the exit code, 0 when every test passed (and there was one).
--- `record(failed)`, when given, hands the count to the host, which keeps the exit code at 1
--- or above for any failure whatever happens after.
function M.main(files, record)
  if #files == 0 then
    io_stderr:write("usage: designkit test SPEC.lua...\n")
    return 2
  end
  local passed, failed = run(files)
  if record then
    record(failed > 0 and failed or passed == 0 and 1 or 0)
  end
  return (failed == 0 and passed > 0) and 0 or 1
end

return M
