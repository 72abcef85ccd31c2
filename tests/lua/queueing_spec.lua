-- queueing_spec: the simulator against queueing theory, through the script language.
-- Each claim is checked against a formula computed here, independently of designkit.
local dk = require "designkit"

-- Erlang C: P(wait) in M/M/c with offered load a = lambda / mu.
local function erlang_c(c, a)
  local sum, term = 0, 1
  for k = 0, c - 1 do
    if k > 0 then term = term * a / k end
    sum = sum + term
  end
  local top = term * a / c * (c / (c - a))
  return top / (sum + top)
end

local function station(rate, servers, mean, requests, seed)
  local m = dk.model "queue"
  local c = m:client "c" { rate = rate }
  local s = m:service "s" { replicas = 1, workers = servers, time = dk.exp(mean) }
  _ = c >> s
  return m:run { duration = string.format("%ds", math.ceil(requests / rate * 2)),
                 requests = requests, seed = seed or 1 }
end

local function find(r, name)
  for _, c in ipairs(r.components) do if c.name == name then return c end end
end

describe("M/M/1 at rho = 0.8", function()
  local r = station(800, 1, 0.001, 2000000)

  it("runs over a million requests", function()
    expect(r.total.completed):to_be_greater_than(1000000)
  end)

  it("has mean latency 5 x the mean service time within 3%", function()
    expect(r.total.latency.mean):to_be_near(0.005, 0.03)
  end)

  it("is 80% busy", function()
    expect(find(r, "s").utilisation):to_be_near(0.8, 0.01)
  end)

  it("obeys Little's law within 1%", function()
    local s = find(r, "s")
    local L = s.mean_queue + s.utilisation * s.servers
    expect(L):to_be_near(s.throughput * s.latency.mean, 0.01)
  end)
end)

describe("M/M/3 at lambda = 2.4, mu = 1", function()
  local r = station(2.4, 3, 1, 1000000)
  local expected = erlang_c(3, 2.4) / (3 * 1 - 2.4) + 1

  it("matches Erlang C's mean latency (2.0787) within 3%", function()
    expect(expected):to_be_near(2.0787, 1e-4)
    expect(r.total.latency.mean):to_be_near(expected, 0.03)
  end)

  it("obeys Little's law within 1%", function()
    local s = find(r, "s")
    local L = s.mean_queue + s.utilisation * s.servers
    expect(L):to_be_near(s.throughput * s.latency.mean, 0.01)
  end)
end)

describe("determinism", function()
  it("gives byte-identical reports for the same seed", function()
    expect(station(800, 1, 0.001, 50000, 42):json()):to_be(station(800, 1, 0.001, 50000, 42):json())
  end)

  it("gives different reports for different seeds", function()
    local a = station(800, 1, 0.001, 50000, 1)
    local b = station(800, 1, 0.001, 50000, 2)
    expect(a:json() ~= b:json()):to_be(true)
    expect(a.total.latency.mean ~= b.total.latency.mean):to_be(true)
  end)
end)
