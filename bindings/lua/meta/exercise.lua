---@meta exercise
-- exercise.lua - LuaCATS annotations of the globals an exercise's spec.lua sees
-- (docs/exercises/authoring.md). Not loaded at run time: point lua-language-server's
-- workspace.library at bindings/lua/meta to get completion while writing a spec.

---@class designkit.exercise.TestOptions
---@field timeout? number       # seconds of wall-clock time (default 10)
---@field instructions? number  # Lua instructions (default 2e8)
---@field memory? integer       # bytes (default 256 MiB)

---@class designkit.exercise.ScoreOptions
---@field unit? string              # "s", "ms", "replicas"...
---@field better? "lower"|"higher"  # which way is better
---@field baseline? number          # a figure to compare with (FCFS's mean wait)
---@field baseline_name? string     # what the baseline is ("FCFS"; default "baseline")
---@field target? number            # the figure the exercise asks for

---@class designkit.exercise.Expect
local Expect = {}
---Deep equality; the message names the first path that differs.
---@param w any
function Expect:to_equal(w) end
---Raw equality (`rawequal`).
---@param w any
function Expect:to_be(w) end
---Within a relative tolerance (default 1e-9) of `w`.
---@param w number
---@param rel? number
function Expect:to_be_near(w, rel) end
function Expect:to_be_truthy() end
function Expect:to_be_falsy() end
---A string matching the Lua pattern (or holding it as plain text).
---@param pattern string
function Expect:to_match(pattern) end
---@param x number
function Expect:to_be_less_than(x) end
---@param x number
function Expect:to_be_greater_than(x) end
---The value is a function that raises, with a message matching `pattern` when given.
---@param pattern? string
function Expect:to_fail(pattern) end

---Declares the next task (1, 2, ...); `fn` declares its tests with `it`. The tasks match
---exercise.lua's `tasks`, in number, order and title.
---@param title string
---@param fn fun()
function task(title, fn) end

---One test, run in a fresh sandboxed process of its own under its limits.
---@param name string
---@param fn fun()
---@param opts? designkit.exercise.TestOptions
function it(name, fn, opts) end

---Names a group of tests: "task N > name > test".
---@param name string
---@param fn fun()
function describe(name, fn) end

---Runs before each test of the enclosing group.
---@param fn fun()
function before_each(fn) end

---An expectation on `v`; a failure is the test's "fail". The label goes in front of the
---message: `expect(c:get("a"), "after put(a), get(a)"):to_be(1)`.
---@param v any
---@param label? string
---@return designkit.exercise.Expect
function expect(v, label) end

---What the learner's solution.lua returns, loaded once per test inside the test's sandbox.
---@return any
function solution() end

---The text of solution.lua, for a dk.thread: `load(src, "=solution.lua", "t")()` there.
---@return string
function solution_source() end

---Records what the test measured, printed beside its verdict and in results.json. It decides
---nothing: assert with expect.
---@param name string
---@param value number
---@param opts? designkit.exercise.ScoreOptions
function score(name, value, opts) end

---"spec.lua:LINE: " of the line that calls it.
---@return string
function here() end
