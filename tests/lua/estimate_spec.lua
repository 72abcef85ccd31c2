-- estimate_spec: dk.estimate against hand computation, and the queueing formulas.
local dk = require "designkit"

describe("estimate", function()
  local e = dk.estimate { users = 100e6, reads_per_user = 10, writes_per_user = 0.1, peak = 3,
                          record = "500B", retention = "5y" }

  it("computes rates per second from per-user daily counts", function()
    expect(e.read_qps):to_be_near(100e6 * 10 / 86400)   -- 11574.07
    expect(e.read_qps):to_be_near(11574.07, 1e-6)
    expect(e.write_qps):to_be_near(100e6 * 0.1 / 86400) -- 115.74
    expect(e.avg_qps):to_be_near(11689.81, 1e-6)
    expect(e.peak_qps):to_be_near(35069.44, 1e-6)
  end)

  it("computes storage over the retention period", function()
    -- 1e7 writes a day for 5 * 365 days, 500 bytes each: 9.125e12 bytes
    expect(e.storage_bytes):to_be_near(1e7 * 5 * 365 * 500)
    expect(e.storage):to_be("8.299TiB")
    expect(e.bandwidth):to_be_near(35069.44 * 500, 1e-6)
  end)

  it("refuses unknown and bad options at the caller's line", function()
    local ok, err = pcall(function() local _ = dk.estimate { users = 1, readz = 2 } end); local at = here()
    expect(ok):to_be(false)
    expect(err):to_be(at .. 'estimate: unknown option "readz" (valid: peak, reads_per_user, record, '
      .. "retention, users, writes_per_user)")
    expect(function() dk.estimate { users = -1 } end):to_fail("users must be >= 0")
    expect(function() dk.estimate { users = 1, record = "big" } end):to_fail('record: invalid size "big"')
    expect(function() dk.estimate {} end):to_fail("users is required")
  end)
end)

describe("queueing formulas", function()
  it("M/M/1: mean latency 1 / (mu - lambda)", function()
    local q = dk.mmc { lambda = 800, mu = 1000 }
    expect(q.mean_latency):to_be_near(1 / 200)
    expect(q.utilisation):to_be_near(0.8)
  end)

  it("M/M/3 at lambda 2.4, mu 1: Erlang C", function()
    local q = dk.mmc { lambda = 2.4, mu = 1, c = 3 }
    expect(q.wait_probability):to_be_near(0.64719, 1e-4)
    expect(q.mean_latency):to_be_near(2.0787, 1e-4)
  end)
end)
