-- link_options_spec: options on links (weight, distance, resilience) from Lua and JSON, against
-- references worked out here: smooth weighted round robin written out by hand, geo's order,
-- and the guard component the link's resilience must equal.
local dk = require "designkit"

local example
do
  local real_print = print
  print = function() end -- the example prints its tables; the spec wants its results
  example = dofile("examples/link_options.lua")
  print = real_print
end

-- nginx's smooth weighted round robin, as its commit describes it: each pick adds every weight
-- to its backend's current value, takes the largest (the first on a tie) and subtracts the
-- total from it. The counts of the first n picks.
local function smooth_wrr(weights, n)
  local current, counts, total = {}, {}, 0
  for i, w in ipairs(weights) do current[i], counts[i], total = 0, 0, total + w end
  for _ = 1, n do
    local best
    for i, w in ipairs(weights) do
      current[i] = current[i] + w
      if best == nil or current[i] > current[best] then best = i end
    end
    current[best] = current[best] - total
    counts[best] = counts[best] + 1
  end
  return counts
end

describe("link weights", function()
  it("the reference itself gives a,a,b,a,c,a,a for 5,1,1", function()
    local seq, prev = {}, { 0, 0, 0 }
    for n = 1, 7 do
      local c = smooth_wrr({ 5, 1, 1 }, n)
      for i = 1, 3 do if c[i] > prev[i] then seq[#seq + 1] = ("abc"):sub(i, i) end end
      prev = c
    end
    expect(table.concat(seq, ",")):to_be("a,a,b,a,c,a,a")
  end)

  it("reach the simulator's weighted round robin: each prefix of 7 requests, then 7k", function()
    for _, n in ipairs { 1, 2, 3, 4, 5, 6, 7, 700 } do
      local got, want = example.weighted(n), smooth_wrr({ 5, 1, 1 }, n)
      expect(got.a):to_be(want[1])
      expect(got.b):to_be(want[2])
      expect(got.c):to_be(want[3])
    end
    local k = example.weighted(700)
    expect(k.a):to_be(500)
    expect(k.b):to_be(100)
    expect(k.c):to_be(100)
  end)

  it("leave a service's dispatch over replicas at weight 1 (round robin)", function()
    local m = dk.model "replicas"
    local users = m:client "users" { rate = 100, arrivals = "constant" }
    local api = m:service "api" { replicas = 3, dispatch = "weighted_round_robin" }
    m:link(users, api)
    local r = m:run { duration = "3s", seed = 1 }
    expect(r.components[2].arrivals):to_be(300)
  end)
end)

describe("link distances", function()
  it("send to the nearest link, then the next nearest while it is down", function()
    local g = example.geo
    expect(g.far):to_be(0)                -- never needed: mid is nearer and up
    expect(g.near + g.mid):to_be(300)     -- 100/s for 3 s
    expect(g.near >= 100):to_be(true)     -- all of the first second, before it fails
    expect(g.mid > 0):to_be(true)         -- took over while near was ejected
  end)

  it("default to the links' order when none is set", function()
    local m = dk.model "geo-default"
    local users = m:client "users" { rate = 100, arrivals = "constant" }
    local lb = m:balancer "lb" { algorithm = "geo" }
    local a, b = m:service "a" {}, m:service "b" {}
    m:link(users, lb)
    m:link(lb, a)
    m:link(lb, b)
    local r = m:run { duration = "1s", seed = 1 }
    local by = {}
    for _, x in ipairs(r.components) do by[x.name] = x.arrivals end
    expect(by.a):to_be(100) -- the first link is the nearest
    expect(by.b):to_be(0)
  end)
end)

describe("resilience on a link", function()
  it("gives the same numbers as a guard component of the link's guard's name", function()
    local guard, link = example.storm.guard, example.storm.link
    expect(guard.kind):to_be("guard")
    expect(link.kind):to_be("link")
    for _, k in ipairs { "dep_calls", "completed", "retries", "short_circuited", "timeouts", "p99" } do
      expect(link[k], k):to_be(guard[k])
    end
    expect(link.short_circuited > 1000):to_be(true) -- the breaker did open
  end)

  it("uses the guard kind's own names, defaults and checks", function()
    local link, guard = dk.properties "link", dk.properties "guard"
    local by = {}
    for _, p in ipairs(link) do by[p.name] = p end
    for _, p in ipairs(guard) do
      expect(by[p.name] ~= nil, p.name):to_be(true)
      expect(by[p.name].default, p.name):to_be(p.default)
      expect(by[p.name].type, p.name):to_be(p.type)
    end
    expect(by.breaker_window.group):to_be("breaker")
    expect(by.breaker_window.key):to_be("window")
    expect(by.attempts.group):to_be("retry")
    expect(by.weight.group):to_be(nil)
  end)

  it("stands between a topic or a queue and its consumer too", function()
    local m = dk.model "messaging"
    local users = m:client "users" { rate = 10, arrivals = "constant" }
    local api = m:service "api" {}
    local t, s1 = m:topic "events" {}, m:service "s1" {}
    local q, w = m:queue "jobs" {}, m:service "w" {}
    m:links { users >> api >> t, api >> q }
    m:link(t, s1, { retry = { attempts = 2 } })
    m:link(q, w, { timeout = "1s" })
    local r = m:run { duration = "2s", seed = 1 }
    local by = {}
    for _, x in ipairs(r.components) do by[x.name] = x end
    expect(by["events>s1"].kind):to_be("link")
    -- every message either reached its consumer through the guard, or is on its way at the end
    expect(by["events>s1"].arrivals):to_be(by.s1.arrivals)
    expect(by["jobs>w"].arrivals):to_be(by.w.arrivals)
    expect(by.s1.arrivals >= 19):to_be(true)
    expect(by.w.arrivals >= 19):to_be(true)
  end)

  it("routes a balancer's classes past the link's guard to the component it guards", function()
    local m = dk.model "classes"
    local users = m:client "users" { rate = 100, mix = { read = 0.5, write = 0.5 } }
    local lb = m:balancer "lb" {}
    local r1 = m:service "r1" {}
    local w1 = m:service "w1" {}
    local db = m:database "db" {}
    r1:route("read", dk.call(db))
    w1:route("write", dk.call(db))
    m:link(users, lb)
    m:link(lb, r1, { retry = { attempts = 2 } })
    m:link(lb, w1, { timeout = "1s" })
    local r = m:run { duration = "2s", seed = 1 }
    expect(r.total.failed):to_be(0)
    expect(r.total.completed > 150):to_be(true)
  end)
end)

describe("bad link options", function()
  local function model()
    local m = dk.model "bad"
    return m, m:balancer "lb" {}, m:service "api" {}
  end

  it("name the line, the link and the option", function()
    local m, lb, api = model()
    expect(function() m:link(lb, api, { weight = -1 }) end)
      :to_fail('link_options_spec.lua:%d+: link "lb" >> "api": weight must be positive %(got %-1%)')
    m, lb, api = model()
    expect(function() m:link(lb, api, { weight = 0 }) end)
      :to_fail('link "lb" >> "api": weight must be positive %(got 0%)')
    m, lb, api = model()
    expect(function() m:link(lb, api, { weight = 0 / 0 }) end)
      :to_fail('link "lb" >> "api": weight must be a finite number')
    m, lb, api = model()
    expect(function() m:link(lb, api, { distance = "-5ms" }) end):to_fail('link "lb" >> "api": distance')
    m, lb, api = model()
    expect(function() m:link(lb, api, { breaker = { window = -1 } }) end)
      :to_fail('link "lb" >> "api": breaker_window must be a non%-negative integer')
  end)

  it("leave the model as it was: the link is not made", function()
    local m, lb, api = model()
    local other = m:service "other" {}
    expect(function() m:link(lb, { other, api }, { weight = -1 }) end):to_fail("weight must be positive")
    expect(#lb:links()):to_be(0)
    expect(function() m:link(lb, api, { retry = { attempts = 0 } }) end):to_fail("attempts")
    expect(#lb:links()):to_be(0)
    m:link(lb, api, { weight = 2 }) -- the same pair links afterwards, with its options
    m:link(lb, other)
    expect(#lb:links()):to_be(2)
    expect(m:to_json():match('"weight":%s*2') ~= nil):to_be(true)
  end)

  it("refuse unknown options with a suggestion", function()
    local m, lb, api = model()
    expect(function() m:link(lb, api, { wieght = 2 }) end)
      :to_fail('link_options_spec.lua:%d+: link: unknown option "wieght"; did you mean "weight"%?')
    expect(function() m:link(lb, api, { retry = { atempts = 2 } }) end)
      :to_fail('link: retry: unknown option "atempts"; did you mean "attempts"%? %(valid: attempts,')
    expect(function() m:link(lb, api, { breaker = 20 }) end)
      :to_fail("link: breaker must be a table of options")
    expect(function() m:link(lb, api, { retry = { jitter = "loud" } }) end)
      :to_fail('link "lb" >> "api": jitter')
  end)

  it("refuse the link schema as a component kind", function()
    local m = dk.model "x"
    expect(function() m:component("link", "l", {}) end):to_fail("not a component kind")
  end)
end)

describe("link options in model JSON", function()
  local function design()
    local m = dk.model "json"
    local users = m:client "users" { rate = 100 }
    local lb = m:balancer "lb" { algorithm = "weighted_round_robin" }
    local a, b = m:service "a" {}, m:service "b" {}
    m:link(users, lb)
    m:link(lb, a, { weight = 3, timeout = "500ms", retry = { attempts = 4, jitter = "equal" },
                    bulkhead = { max = 50 } })
    m:link(lb, b, { distance = "5ms", breaker = { window = 20, wait = "1s" } })
    return m
  end

  it("are written as scripts write them and read back to the same model", function()
    local text = design():to_json()
    local doc = dk.json.decode(text)
    local l = doc.links[2]
    expect(l.weight):to_be(3)
    expect(l.timeout):to_be(5e8)
    expect(l.retry.attempts):to_be(4)
    expect(l.retry.jitter):to_be("equal")
    expect(l.bulkhead.max):to_be(50)
    expect(doc.links[3].breaker.window):to_be(20)
    expect(doc.links[3].breaker.wait):to_be(1e9)
    expect(doc.links[1].weight):to_be(nil)
    local again = assert(dk.from_json(text, "design.json"))
    expect(again:to_json()):to_be(text)
  end)

  it("name the link and the option on bad input", function()
    local function read(link)
      local doc = { designkit = "model", version = 1, name = "j",
                    components = { { name = "lb", kind = "balancer" }, { name = "api", kind = "service" } },
                    links = { link } }
      return dk.from_json(dk.json.encode(doc), "design.json")
    end
    local m, err = read { from = "lb", to = "api", weight = -1 }
    expect(m):to_be(nil)
    expect(err):to_match('design.json: links%[0%] %("lb" %-> "api"%): weight must be positive %(got %-1%)')
    m, err = read { from = "lb", to = "api", wieght = 1 }
    expect(err):to_match('unknown key "wieght"; did you mean "weight"%?')
    m, err = read { from = "lb", to = "api", retry = { attempts = 2, atempts = 3 } }
    expect(err):to_match('links%[0%] %("lb" %-> "api"%): retry: unknown key "atempts"; did you mean "attempts"%?')
    m, err = read { from = "lb", to = "api", breaker = 3 }
    expect(err):to_match("breaker must be an object")
    m, err = read { from = "lb", to = "api", retry = { jitter = 1 } }
    expect(err):to_match("retry.jitter must be a string")
    m, err = read { from = "lb", to = "api", timeout = "fast" }
    expect(err):to_match('links%[0%] %("lb" %-> "api"%): timeout')
  end)
end)

describe("the model schema's link", function()
  it("holds what the link table says, no more and no less", function()
    local f = assert(io.open("schemas/model.schema.json"))
    local schema = dk.json.decode(f:read("a"))
    f:close()
    local link = schema["$defs"].link.properties
    local want = { from = true, to = true, latency = true, async = true }
    local groups = {}
    for _, p in ipairs(dk.properties "link") do
      if p.group then
        groups[p.group] = groups[p.group] or {}
        groups[p.group][p.key] = true
        want[p.group] = true
      else
        want[p.key] = true
      end
    end
    for k in pairs(link) do expect(want[k], "schema has " .. k):to_be(true) end
    for k in pairs(want) do expect(link[k] ~= nil, "schema lacks " .. k):to_be(true) end
    for g, keys in pairs(groups) do
      local props = link[g].properties
      for k in pairs(props) do expect(keys[k], g .. "." .. k):to_be(true) end
      for k in pairs(keys) do expect(props[k] ~= nil, g .. "." .. k):to_be(true) end
    end
  end)
end)

describe("several unknown link options", function()
  it("name the first in sorted order, the same every run", function()
    for _ = 1, 5 do
      local m = dk.model "many"
      local a, b = m:service "a" {}, m:service "b" {}
      expect(function() m:link(a, b, { zz = 1, wieght = 2, yy = 3 }) end)
        :to_fail('unknown option "wieght"')
      expect(function() m:link(a, b, { retry = { zz = 1, atempts = 2 } }) end)
        :to_fail('retry: unknown option "atempts"')
    end
  end)
end)
