-- passing_spec.lua - two specs that hold, one of them on a design.
local dk = require "designkit"

describe("arithmetic", function()
  it("adds", function()
    expect(1 + 1):to_equal(2)
  end)
end)

describe("a design", function()
  it("checks without errors", function()
    local m = dk.model "tiny"
    m:link(m:client "users" { rate = "10/s" }, m:service "api" { replicas = 2 })
    for _, f in ipairs(m:check()) do
      expect(f.severity):to_be("warning")
    end
  end)
end)
