-- report_spec: the text report (designkit.report) - one precision for every percentage, "-"
-- where the JSON report has null, rejected and failed requests per component, expectations
-- written with the report's figures.
local report = require "designkit.report"

-- The rows of `text` whose first word is `name`, as lists of words.
local function row(text, name)
  for line in text:gmatch("[^\n]+") do
    local words = {}
    for w in line:gmatch("%S+") do words[#words + 1] = w end
    if words[1] == name then return words end
  end
end

local function latency(count, base)
  return { count = count, mean = base, p50 = base, p90 = 2 * base, p99 = 3 * base,
           p999 = 4 * base, max = 5 * base }
end

-- A result as m:run returns it, with the figures the JSON report writes as null left out (the
-- Lua result leaves undefined metrics out; latencies with nothing recorded have count 0).
local function result()
  return {
    model = "shop", duration = 10, seed = 1, events = 1234,
    components = {
      { name = "api", kind = "service", arrivals = 1000, completed = 950, rejected = 30,
        failed = 20, throughput = 95, utilisation = 0.0564, held = 0.125, mean_queue = 0.25,
        latency = latency(950, 0.002) },
      { name = "cache", kind = "cache", arrivals = 500, completed = 500, rejected = 0, failed = 0,
        throughput = 50, mean_queue = 0, hit_ratio = 0.99999, latency = latency(500, 0.0002) },
      { name = "spare", kind = "database", arrivals = 0, completed = 0, rejected = 0, failed = 0,
        throughput = 0, utilisation = 0, held = 0, mean_queue = 0, latency = latency(0, 0) },
    },
    classes = {
      { name = "read", created = 980, completed = 950, failed = 30, throughput = 95,
        availability = 950 / 980, latency = latency(950, 0.003) },
      { name = "never", created = 0, completed = 0, failed = 0, throughput = 0,
        latency = latency(0, 0) },
    },
    total = { name = "total", created = 980, completed = 950, failed = 30, throughput = 95,
              availability = 950 / 980, latency = latency(950, 0.003) },
    expectations = {
      { metric = "availability", limit = 0.999, value = 0.9995, ok = true,
        text = "availability 99.95% >= 99.9%" },
      { metric = "availability", limit = 0.999, value = 0.95, ok = false,
        text = "availability 95% < 99.9%" },
      { metric = "p99", class = "never", limit = 0.05, ok = false,
        text = "never p99: no data (<= 50ms)" },
      { metric = "p99", limit = 0.05, value = 0.009, ok = true, text = "p99 9ms <= 50ms" },
    },
  }
end

describe("report.percent", function()
  it("writes every percentage with two decimals", function()
    expect(report.percent(0.0564)):to_be("5.64%")
    expect(report.percent(0.5)):to_be("50.00%")
    expect(report.percent(1)):to_be("100.00%")
    expect(report.percent(0)):to_be("0.00%")
    expect(report.percent(0.9995)):to_be("99.95%")
  end)

  it("never rounds onto a bound the value did not reach", function()
    expect(report.percent(0.99999)):to_be("99.99%") -- an availability that lost calls
    expect(report.percent(0.0000001)):to_be("0.01%") -- a share that is not nothing
  end)

  it("writes - for what is not a number", function()
    expect(report.percent(nil)):to_be("-")
    expect(report.percent(0 / 0)):to_be("-")
    expect(report.percent(math.huge)):to_be("-")
  end)
end)

describe("report.format", function()
  local text
  before_each(function() text = report.format(result()) end)

  it("counts rejected and failed requests per component", function()
    local header = row(text, "component")
    expect(header[#header - 1]):to_be("rejected")
    expect(header[#header]):to_be("failed")
    local api = row(text, "api")
    expect(api[#api - 1]):to_be("30")
    expect(api[#api]):to_be("20")
    local spare = row(text, "spare")
    expect(spare[#spare - 1]):to_be("0")
    expect(spare[#spare]):to_be("0")
  end)

  it("writes - where nothing was recorded, as the JSON writes null", function()
    -- component kind arrivals throughput util held queue hits p50 p99 rejected failed
    expect(row(text, "spare")):to_equal({ "spare", "database", "0", "0/s", "0.00%", "0.00%",
                                          "0.00", "-", "-", "-", "0", "0" })
    expect(row(text, "api")[8]):to_be("-") -- no hit ratio: not a cache
    expect(row(text, "cache")[5]):to_be("-") -- no utilisation: not a station
    -- end to end: count throughput avail mean p50 p90 p99 p99.9
    expect(row(text, "never")):to_equal({ "never", "0", "0/s", "-", "-", "-", "-", "-", "-" })
  end)

  it("uses one precision for every percentage, expectations included", function()
    local n = 0
    for p in text:gmatch("[%d.]+%%") do
      n = n + 1
      expect(p):to_match("^%d+%.%d%d%%$")
    end
    expect(n):to_be(11) -- util and held of api and spare, hits of cache, 3 avail, 4 expectations
    expect(row(text, "api")[5]):to_be("5.64%")
    expect(row(text, "api")[6]):to_be("12.50%")
    expect(row(text, "cache")[8]):to_be("99.99%")
    expect(row(text, "read")[4]):to_be(("%.2f%%"):format(950 / 980 * 100))
  end)

  it("writes expectations with the report's figures and the run's relation", function()
    expect(text):to_match("PASS  availability 99%.95%% >= 99%.90%%\n")
    expect(text):to_match("FAIL  availability 95%.00%% < 99%.90%%\n")
    expect(text):to_match("FAIL  never p99: no data %(<= 50ms%)\n")
    expect(text):to_match("PASS  p99 9ms <= 50ms\n")
    expect(text):to_match("4 expectations: 2 passed, 2 failed\n$")
  end)

  it("words an expectation from its fields when the run gave no text", function()
    local r = result()
    r.expectations = {
    {
        metric = "availability", limit = 0.999, value = 0.95, ok = false
    } }
    expect(report.format(r)):to_match("FAIL  availability 95%.00%% < 99%.90%%\n")
  end)
end)
