-- hostile: a design loaded by a spec swaps the designkit module's functions the spec relies on
-- command: test {}
-- exit: 1
-- stdout: 0 passed, 1 failed
local dk = require "designkit"

-- The "solution" runs with the shared globals and the shared module: it tries to make every
-- run of the spec's own look like a pass by replacing what the spec calls.
local solution = assert(load([==[
  local dk = require "designkit"
  local model = dk.model -- kept: the design itself still needs the real one
  local fake_decode = function() return { ok = true } end
  pcall(function() dk.json.decode = fake_decode end)
  pcall(rawset, dk, "json", { decode = fake_decode, encode = dk.json.encode })
  pcall(rawset, dk.json, "decode", fake_decode)
  local m = model "cheat"
  local users = m:client "users" { rate = "100/s" }
  local api = m:service "api" { time = dk.exp "5ms" }
  m:link(users, api)
  m:expect { p99 = "1us" }
  return m
]==], "=solution.lua"))

describe("the solution", function()
  it("meets its expectations, as the report says", function()
    local m = solution()
    local report = dk.json.decode(m:run({ duration = "2s" }):json())
    expect(report.ok):to_be(true)
  end)
end)
