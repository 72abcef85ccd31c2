-- balancer_outlier_spec: the cap on the share of backends ejected at once (outlier.max), as
-- Envoy's max_ejection_percent: at most floor(max x backends), one always, never the last.
local dk = require "designkit"

local function ejected(b)
  local n = 0
  for _, s in ipairs(b:stats()) do
    if s.ejected then n = n + 1 end
  end
  return n
end

local function all_fail(max)
  local b = dk.balancer { backends = { "a", "b", "c", "d" },
                          outlier = { errors = 1, base = "10s", max = max } }
  for i = 1, 4 do b:done(i, "1ms", false) end
  return ejected(b)
end

describe("the ejection cap", function()
  it("keeps only the last available backend by default", function()
    expect(all_fail(nil)):to_be(3)
    expect(all_fail(1)):to_be(3)
  end)

  it("ejects at most max x backends at once, and always one", function()
    expect(all_fail(0.5)):to_be(2)
    expect(all_fail(0.25)):to_be(1)
    expect(all_fail(0.1)):to_be(1) -- floor(0.4) = 0, but one may always be
  end)

  it("rejects a share outside (0, 1]", function()
    expect(function() dk.balancer { backends = { "a" }, outlier = { max = 0 } } end)
      :to_fail("balancer_outlier_spec.lua:%d+: balancer: outlier.max must be a share in %(0, 1%] %(got 0%)")
    expect(function() dk.balancer { backends = { "a" }, outlier = { max = "half" } } end)
      :to_fail("outlier.max must be a share")
  end)
end)
