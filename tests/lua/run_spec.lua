-- run_spec: m:run's options, the result table, expectations, reports and drawings after a run.
local dk = require "designkit"
local json = dk.json

local function design()
  local m = dk.model "shop"
  local users = m:client "users" { rate = 500, mix = { browse = 0.9, buy = 0.1 }, keys = dk.zipf(1000, 1) }
  local lb = m:balancer "lb" { algorithm = "round_robin" }
  local api = m:service "api" { replicas = 2, workers = 4, time = dk.exp "2ms" }
  local cache = m:cache "cache" { capacity = 500 }
  local db = m:database "db" { time = dk.exp "5ms", workers = 16 }
  _ = users >> lb >> api
  api:route("browse", dk.cache_aside(cache, db))
  api:route("buy", dk.call(db))
  return m
end

describe("m:run", function()
  local m, r
  before_each(function()
    m = design()
    m:expect { p99 = "1s", availability = 0.99 }
    m:expect { class = "buy", mean = "1us" }
    r = m:run { duration = "20s", seed = 3 }
  end)

  it("reports the run", function()
    expect(r.model):to_be("shop")
    expect(r.seed):to_be(3)
    expect(r.duration):to_be_near(20, 0.01)
    expect(r.events):to_be_greater_than(10000)
  end)

  it("lists components in actor order with their counts", function()
    local names = {}
    for i, c in ipairs(r.components) do names[i] = c.name end
    expect(names):to_equal({ "users", "lb", "api", "cache", "db" })
    local api = r.components[3]
    expect(api.kind):to_be("service")
    expect(api.servers):to_be(8)
    expect(api.utilisation):to_be_greater_than(0)
    expect(api.utilisation):to_be_less_than(1)
    local answered = api.completed + api.rejected + api.failed
    expect(api.arrivals - answered):to_be_less_than(20) -- the rest were still inside at the end
    expect(api.arrivals >= answered):to_be_truthy()
    expect(r.components[4].hit_ratio):to_be_greater_than(0.5)
    expect(r.components[3].hit_ratio):to_be(nil)
    expect(r.components[2].utilisation):to_be(nil)
    expect(api.latency.p50 <= api.latency.p99):to_be_truthy()
  end)

  it("gives classes and their total", function()
    expect(#r.classes):to_be(2)
    expect(r.classes[1].name):to_be("browse")
    local created = r.classes[1].created + r.classes[2].created
    expect(r.total.created):to_be(created)
    expect(r.total.throughput):to_be_near(500, 0.05)
    expect(r.total.availability):to_be(1.0)
  end)

  it("evaluates expectations", function()
    expect(#r.expectations):to_be(3)
    expect(r.expectations[1].metric):to_be("p99")
    expect(r.expectations[1].ok):to_be(true)
    expect(r.expectations[1].limit):to_be_near(1)
    expect(r.expectations[3].class):to_be("buy")
    expect(r.expectations[3].ok):to_be(false)
    expect(r.expectations[3].text):to_match("^buy mean .* > 1us$")
    expect(r.ok):to_be(false)
  end)

  it("writes a JSON report that parses", function()
    local doc = json.decode(r:json())
    expect(type(doc)):to_be("table")
    expect(#doc.expectations):to_be(3)
  end)

  it("puts the evaluated expectations in the report as they are in the result", function()
    local doc = assert(json.decode(r:json()))
    expect(doc.expectations):to_equal(r.expectations)
    expect(doc.expectations[3].class):to_be("buy")
  end)

  it("reports the run's verdict whatever a script does to the result", function()
    local want = r:json()
    r.expectations[2].metric = 5
    r.expectations[1].ok = "yes"
    r.expectations[3] = "p99"
    r.ok = true
    expect(r:json()):to_be(want)
    r.expectations = nil
    expect(r:json()):to_be(want)
    r.expectations = "none"
    expect(r:json()):to_be(want)
    expect(function() r.json({}) end):to_fail("not the result of m:run")
  end)

  it("draws after the run", function()
    -- Under `designkit test` the sandbox lets a spec write only in the folder the test names
    -- with --allow-write (DK_SPEC_OUT); under stock lua5.4 anywhere.
    local dir, path = os.getenv("DK_SPEC_OUT"), nil
    if dir then
      path = dir .. "/run_spec_after_run.dot"
    else
      path = os.tmpname()
      os.remove(path)
      path = path .. ".dot"
    end
    local ok, msg = m:draw(path, { after_run = r })
    expect(msg):to_be(nil)
    expect(ok):to_be(true)
    local f = io.open(path); local text = f:read("a"); f:close(); os.remove(path)
    expect(text):to_match("api")
    expect(function() design():draw(path, { after_run = r }) end):to_fail("another model")
    local ok, msg = m:draw("/nonexistent-dir/x.svg")
    expect(ok):to_be(nil)
    expect(msg):to_match("x.svg")
  end)
end)

describe("run options", function()
  it("cap requests", function()
    local r = design():run { duration = "60s", requests = 1000 }
    expect(r.total.created):to_be(1000)
  end)

  it("call progress with fractions up to 1", function()
    local last, calls = 0, 0
    design():run { duration = "5s", progress = function(f) last = f; calls = calls + 1 end }
    expect(calls):to_be_greater_than(10)
    expect(last):to_be_near(1, 0.02)
  end)

  it("refuse unknown or bad options", function()
    local m = design()
    expect(function() m:run { durtion = "1s" } end):to_fail('unknown option "durtion"')
    expect(function() m:run { duration = -1 } end):to_fail("duration")
    expect(function() m:run { seed = 1.5 } end):to_fail("seed must be a whole number")
    expect(function() m:run { progress = 1 } end):to_fail("progress must be a function")
  end)

  it("raise a model that cannot run at the m:run call site", function()
    local m = dk.model "broken"
    m:client "lonely" { rate = 1 }
    local ok, err = pcall(function() m:run { duration = "1s" } end); local at = here()
    expect(ok):to_be(false)
    expect(err):to_match("^" .. at:gsub("%p", "%%%0"))
    expect(err):to_match("lonely")
  end)

  it("keep the model and simulator alive for the result", function()
    local r = design():run { duration = "1s" }
    collectgarbage()
    collectgarbage()
    expect(#r:json()):to_be_greater_than(100)
  end)
end)
