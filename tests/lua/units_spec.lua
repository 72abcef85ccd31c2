-- units_spec: dk.duration, dk.size, dk.rate, dk.percent and the formatters.
local dk = require "designkit"

describe("units", function()
  it("parse durations to seconds", function()
    expect(dk.duration "2ms"):to_be_near(0.002)
    expect(dk.duration "1.5s"):to_be_near(1.5)
    expect(dk.duration "250us"):to_be_near(250e-6)
    expect(dk.duration "1h"):to_be_near(3600)
    expect(dk.duration "5y"):to_be_near(5 * 365 * 86400)
    expect(dk.duration(3)):to_be(3.0)
  end)

  it("parse sizes to bytes", function()
    expect(dk.size "64KiB"):to_be(65536)
    expect(dk.size "500B"):to_be(500)
    expect(dk.size "1.5GB"):to_be(1500000000)
    expect(dk.size(10)):to_be(10)
  end)

  it("parse rates and percents", function()
    expect(dk.rate "1k/s"):to_be_near(1000)
    expect(dk.rate "250/ms"):to_be_near(250000)
    expect(dk.rate "1200 rps"):to_be_near(1200)
    expect(dk.percent "99.9%"):to_be_near(0.999)
  end)

  it("quote bad text in errors at the caller's line", function()
    local line = debug.getinfo(1, "l").currentline + 1
    local ok, err = pcall(function() return dk.duration "5 parsecs" end)
    expect(ok):to_be(false)
    expect(err):to_match(string.format(":%d: invalid duration \"5 parsecs\"", line))
    expect(function() dk.size "12 apples" end):to_fail('"12 apples"')
    expect(function() dk.rate "fast" end):to_fail('"fast"')
    expect(function() dk.percent "99.9" end):to_fail('"99.9"')
  end)

  it("format for reports", function()
    expect(dk.format_duration(0.0025)):to_be("2.5ms")
    expect(dk.format_size(65536)):to_be("64KiB")
    expect(dk.format_rate(1200)):to_match("k/s")
  end)
end)
