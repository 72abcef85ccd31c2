-- designkit.exercise_catalogue - where exercises come from: the ones compiled into the
-- executable (cmake/embed_exercises.cmake), or one read from a folder (verify --path DIR) so that
-- an author iterates without rebuilding; and the checks of each exercise's metadata
-- (exercises/NAME/exercise.lua; the format is docs/exercises/authoring.md).
--
-- An exercise here is a table:
--   { name, meta (exercise.lua's table), paths = { meta, starter, spec, statement, reference },
--     text = { starter, spec, statement, reference } }
-- with each path as messages name it (from the repository's root).
local P = require "designkit.pristine"
local error, ipairs, next, pcall, tostring, type, load, setmetatable =
  P.error, P.ipairs, P.next, P.pcall, P.tostring, P.type, P.load, P.setmetatable
local string, table = P.string, P.table
local io_open = P.io.open
local _ENV = nil

local M = {}

local DIFFICULTIES = { easy = true, medium = true, hard = true }
local TRACKS = { lld = true, hld = true }
local KEYS = { title = "string", difficulty = "string", track = "string", summary = "string",
               patterns = "table", reference = "string", tasks = "table" }
local KEY_LIST = "title, difficulty, track, summary, patterns, reference, tasks"
M.DIFFICULTY_ORDER = { easy = 1, medium = 2, hard = 3 }

-- A bad exercise: an error object the command turns into exit 2 with its message.
local Bad = {}
Bad.__index = Bad
Bad.__tostring = function(b) return b.message end
local function bad(fmt, ...)
  error(setmetatable({ message = string.format(fmt, ...) }, Bad), 0)
end
function M.is_bad(e) return type(e) == "table" and P.getmetatable(e) == Bad end
M.bad = bad

-- ---- the metadata ----

local function is_list_of_strings(t)
  if type(t) ~= "table" then return false end
  local n = 0
  for _ in next, t do n = n + 1 end
  if n ~= #t then return false end
  for _, v in ipairs(t) do
    if type(v) ~= "string" then return false end
  end
  return true
end

-- Checks exercise.lua's table; raises a Bad naming the file and the field.
local function check_meta(meta, where)
  if type(meta) ~= "table" then bad("%s: must return a table (got %s)", where, type(meta)) end
  for k, v in next, meta do
    if KEYS[k] == nil then
      bad("%s: unknown field %s (the fields: %s)", where, tostring(k), KEY_LIST)
    end
    if type(v) ~= KEYS[k] then
      bad("%s: %s must be a %s (got %s)", where, k, KEYS[k], type(v))
    end
  end
  for _, k in ipairs { "title", "difficulty", "track", "summary", "reference", "tasks" } do
    if meta[k] == nil then bad("%s: %s is missing", where, k) end
  end
  if not DIFFICULTIES[meta.difficulty] then
    bad("%s: difficulty must be easy, medium or hard (got %q)", where, meta.difficulty)
  end
  if not TRACKS[meta.track] then
    bad("%s: track must be lld or hld (got %q)", where, meta.track)
  end
  meta.patterns = meta.patterns or {}
  if not is_list_of_strings(meta.patterns) then
    bad("%s: patterns must be a list of strings", where)
  end
  if not meta.reference:match("^models/[hl]ld/[%w_]+%.lua$") then
    bad("%s: reference must be a path like models/lld/NAME.lua or models/hld/NAME.lua (got %q)",
      where, meta.reference)
  end
  if #meta.tasks == 0 then bad("%s: tasks must list at least one task", where) end
  for i, t in ipairs(meta.tasks) do
    if type(t) ~= "table" or type(t.title) ~= "string" then
      bad("%s: tasks[%d].title must be a string", where, i)
    end
    for k in next, t do
      if k ~= "title" and k ~= "hints" then
        bad("%s: tasks[%d]: unknown field %s (title, hints)", where, i, tostring(k))
      end
    end
    t.hints = t.hints or {}
    if not is_list_of_strings(t.hints) then
      bad("%s: tasks[%d].hints must be a list of strings", where, i)
    end
  end
  return meta
end

-- Runs exercise.lua's text (a table literal) with no globals at all.
local function read_meta(text, where)
  local chunk, err = load(text, "@" .. where, "t", {})
  if chunk == nil then bad("%s", err) end
  local ok, meta = pcall(chunk)
  if not ok then bad("%s", P.tostring(meta)) end
  return check_meta(meta, where)
end

-- ---- the embedded catalogue ----

local function make(name, meta_path, get)
  local dir = "exercises/" .. name
  local meta = read_meta(get(meta_path) or "", meta_path)
  local ex = {
    name = name, meta = meta,
    paths = { meta = meta_path, starter = dir .. "/starter.lua", spec = dir .. "/spec.lua",
              statement = "docs/exercises/" .. name .. ".md", reference = meta.reference },
    text = {},
  }
  for _, k in ipairs { "starter", "spec", "statement", "reference" } do
    ex.text[k] = get(ex.paths[k])
  end
  return ex
end

local function check_files(ex)
  for _, k in ipairs { "spec", "starter", "statement", "reference" } do
    if ex.text[k] == nil then
      bad("%s: %s is missing (%s)", ex.paths.meta, ex.paths[k], k == "reference" and
        "the reference field names it" or "every exercise has one")
    end
  end
end

--- embedded(files) -> { name = exercise }, { names sorted }. `files` is the host's table of
--- embedded files by path. An exercise whose files are broken raises a Bad only when it is
--- asked for (see get), so one broken exercise does not hide the others from `list`.
function M.embedded(files)
  local names, found = {}, {}
  for path in next, files do
    local name = path:match("^exercises/([%w_]+)/exercise%.lua$")
    if name then names[#names + 1] = name end
  end
  table.sort(names)
  for _, name in ipairs(names) do
    found[name] = function()
      local ex = make(name, "exercises/" .. name .. "/exercise.lua", function(p) return files[p] end)
      check_files(ex)
      return ex
    end
  end
  return found, names
end

-- ---- one exercise from a folder ----

local function read_file(path)
  local f = io_open(path, "rb")
  if f == nil then return nil end
  local text = f:read("a")
  f:close()
  return text
end

local function join(dir, rel)
  if dir == "" or dir == "." then return rel end
  return (dir:gsub("/+$", "")) .. "/" .. rel
end

--- from_dir(dir) -> exercise: DIR/exercise.lua, starter.lua, spec.lua; the statement from
--- DIR/README.md or ROOT/docs/exercises/NAME.md; the reference from ROOT, the repository's root,
--- found from DIR (DIR/../.. for exercises/NAME, else DIR/.., DIR or DIR/../../../.., where
--- the tests' fixtures live).
function M.from_dir(dir)
  local clean = dir:gsub("/+$", "")
  if clean == "" then clean = "/" end
  local meta_path = join(clean, "exercise.lua")
  local text = read_file(meta_path)
  if text == nil then bad("%s: no exercise.lua in this folder", dir) end
  local name = clean:match("([^/]+)$")
  if name == nil or name == "." or name == ".." then name = "exercise" end
  local meta = read_meta(text, meta_path)
  local root
  for _, up in ipairs { "../..", "..", ".", "../../../.." } do
    if read_file(join(clean, up .. "/" .. meta.reference)) then
      root = join(clean, up)
      break
    end
  end
  local ex = {
    name = name, meta = meta,
    paths = { meta = meta_path, starter = join(clean, "starter.lua"),
              spec = join(clean, "spec.lua"), reference = meta.reference },
    text = {},
  }
  ex.text.starter = read_file(ex.paths.starter)
  ex.text.spec = read_file(ex.paths.spec)
  ex.paths.statement = join(clean, "README.md")
  ex.text.statement = read_file(ex.paths.statement)
  if ex.text.statement == nil and root then
    ex.paths.statement = join(root, "docs/exercises/" .. name .. ".md")
    ex.text.statement = read_file(ex.paths.statement)
  end
  if root then
    ex.paths.reference = join(root, meta.reference)
    ex.text.reference = read_file(ex.paths.reference)
  end
  check_files(ex)
  return ex
end

M.read_file = read_file
M.join = join
M.check_meta = check_meta

return M
