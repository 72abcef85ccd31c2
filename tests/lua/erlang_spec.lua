-- erlang_spec: dk.erlang_c and dk.mmc for many servers, against values computed independently:
-- a table from the direct series in 60-digit decimal arithmetic, and the series again in log
-- space here. The series overflowed a double from about 170 servers (NaN: issue 7).
local dk = require "designkit"

-- { c, a, C(c, a) }: Python's decimal module, precision 60 and an exponent range of 10^8, summing
-- a^k / k! for k < c and a^c / c! / (1 - a / c) term by term (tests/lua/erlang_reference.py).
-- Values below 1e-308 are 0 in a double.
local REFERENCE = {
  { 1, 0.5, 5.00000000000000000e-1 },
  { 1, 0.9, 9.00000000000000000e-1 },
  { 1, 0.99, 9.90000000000000000e-1 },
  { 2, 1, 3.33333333333333333e-1 },
  { 2, 1.8, 8.52631578947368421e-1 },
  { 2, 1.98, 9.85025125628140704e-1 },
  { 3, 2.4, 6.47191011235955056e-1 },
  { 10, 5, 3.61053591583201860e-2 },
  { 10, 9, 6.68731524107697000e-1 },
  { 10, 9.9, 9.63738420387621301e-1 },
  { 100, 50, 3.26063870427570926e-10 },
  { 100, 90, 2.16940480906366379e-1 },
  { 100, 99, 8.82768462610084471e-1 },
  { 1000, 500, 3.30483025550268361e-86 },
  { 1000, 900, 5.92669966378781219e-4 },
  { 1000, 990, 6.59080421880854440e-1 },
  { 10000, 5000, 0 }, -- 1.18683219492482243e-841
  { 10000, 9000, 2.09161979441928961e-25 },
  { 10000, 9900, 2.22776928864148241e-1 },
  { 100000, 50000, 0 }, -- 1.33803805103619997e-8391
  { 100000, 90000, 1.98003409635905998e-235 },
  { 100000, 99000, 8.21908237410795402e-4 },
}

-- The same series in log space: log(a^k / k!) term by term and a running log-sum-exp, so no
-- term overflows. Not the recurrence dk.erlang_c uses.
local function erlang_c_logspace(c, a)
  local log_a = math.log(a)
  local log_term, log_sum = 0.0, 0.0 -- k = 0: a^0 / 0! = 1
  for k = 1, c - 1 do
    log_term = log_term + log_a - math.log(k)
    local hi, lo = math.max(log_sum, log_term), math.min(log_sum, log_term)
    log_sum = hi + math.log(1 + math.exp(lo - hi))
  end
  local log_top = log_term + log_a - math.log(c) - math.log(1 - a / c)
  return 1 / (1 + math.exp(log_sum - log_top))
end

-- |got - want| within rel of want; a want below the smallest double must come out (near) 0.
local function near(got, want, rel)
  if want == 0 then return got >= 0 and got < 1e-300 end
  return math.abs(got - want) <= rel * math.abs(want)
end

describe("erlang_c for many servers", function()
  it("matches the decimal series for c = 1 .. 10^5", function()
    for _, row in ipairs(REFERENCE) do
      local c, a, want = row[1], row[2], row[3]
      local got = dk.erlang_c(c, a)
      if not near(got, want, 1e-9) then
        error(string.format("erlang_c(%d, %g) = %.17g, the decimal series gives %.17g", c, a,
          got, want))
      end
    end
  end)

  it("matches the series summed in log space here", function()
    for _, row in ipairs(REFERENCE) do
      local c, a = row[1], row[2]
      local got, want = dk.erlang_c(c, a), erlang_c_logspace(c, a)
      if want > 1e-300 and not near(got, want, 1e-7) then
        error(string.format("erlang_c(%d, %g) = %.17g, the log-space series gives %.17g", c, a,
          got, want))
      end
    end
  end)

  it("is a probability, never NaN, up to 10^7 servers", function()
    expect(dk.erlang_c(1000, 900)):to_be_near(5.92669966378781219e-4, 1e-9)
    local p = dk.erlang_c(1e7, 0.999 * 1e7)
    expect(p == p and p > 0 and p < 1):to_be(true)
    expect(dk.erlang_c(5, 0)):to_be(0.0)
  end)

  it("refuses more than 10^7 servers and loads outside [0, servers)", function()
    expect(function() dk.erlang_c(1e8, 1) end):to_fail("servers must be at most 10000000")
    expect(function() dk.erlang_c(math.huge, 1) end):to_fail("servers must be at most")
    expect(function() dk.erlang_c(10, 0 / 0) end):to_fail("offered load must be in")
    expect(function() dk.erlang_c(10, 10) end):to_fail("offered load must be in")
  end)
end)

describe("mmc for many servers", function()
  it("gives finite figures at lambda = 5000, mu = 1, c = 10^4 (was NaN)", function()
    local q = dk.mmc { lambda = 5000, mu = 1, c = 10000 }
    expect(q.utilisation):to_be_near(0.5)
    expect(q.wait_probability):to_be(0.0) -- 1.2e-841: below the smallest double
    expect(q.mean_latency):to_be_near(1.0)
    expect(q.mean_queue):to_be(0.0)
  end)

  it("matches the decimal series at c = 10^5, rho = 0.99", function()
    local lambda, mu, c = 99000, 1, 100000
    local q = dk.mmc { lambda = lambda, mu = mu, c = c }
    local pw = 8.21908237410795402e-4
    expect(q.wait_probability):to_be_near(pw, 1e-9)
    expect(q.mean_wait):to_be_near(pw / (c * mu - lambda), 1e-9)
    expect(q.mean_in_system):to_be_near(lambda * (pw / (c * mu - lambda) + 1 / mu), 1e-9)
  end)

  it("refuses a server count it cannot compute", function()
    expect(function() dk.mmc { lambda = 1, mu = 1, c = 1e8 } end)
      :to_fail("c must be a whole number from 1 to 10000000")
    expect(function() dk.mmc { lambda = 1, mu = 1, c = 2.5 } end):to_fail("c must be a whole number")
  end)
end)
