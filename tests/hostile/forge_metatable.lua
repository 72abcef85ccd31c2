-- hostile: a design loaded by a spec patches its model's metatable and the spec's globals so a failing spec passes
-- command: test {}
-- exit: 1
-- stdout: 0 passed, 1 failed
local dk = require "designkit"

-- The "solution", as a learner's file would be: loaded with the shared globals, not the
-- spec's own. Its expectation cannot hold, and it tries to cover that up.
local solution = assert(load([==[
  local dk = require "designkit"
  local m = dk.model "cheat"
  local users = m:client "users" { rate = "100/s" }
  local api = m:service "api" { time = dk.exp "5ms" }
  m:link(users, api)
  m:expect { p99 = "1us" }
  local fake = function() return { ok = true, expectations = {} } end
  local mt = getmetatable(m)
  if type(mt) == "table" and type(mt.__index) == "table" then mt.__index.run = fake end
  pcall(setmetatable, m, { __index = { run = fake } })
  -- And the spec's own tools, through the shared globals.
  expect = function() return setmetatable({}, { __index = function() return function() end end }) end
  it, describe = function() end, function() end
  tostring = function() return "true" end
  rawequal = function() return true end
  local mt_string = getmetatable("")
  if type(mt_string) == "table" then mt_string.__index = {} end
  return m
]==], "=solution.lua"))

describe("the solution", function()
  it("meets its expectations", function()
    local m = solution()
    local r = m:run { duration = "2s" }
    expect(r.ok):to_be(true)
  end)
end)
