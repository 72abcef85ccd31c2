-- dsl_spec: every constructor, option, link and route of the script language, and its errors.
local dk = require "designkit"

-- Runs f, which must fail; returns the message. Callers write `failure(...), here()` on one
-- line to get that line's "file:line: " as well.
local function failure(f)
  local ok, err = pcall(f)
  assert(not ok, "expected an error")
  return err
end

describe("components", function()
  local m
  before_each(function() m = dk.model "t" end)

  it("are made by every kind's constructor, curried or direct", function()
    local c = m:client "c" { rate = 10 }
    local b = m:balancer("b", { algorithm = "random" })
    local s = m:service "s" { replicas = 2, workers = 8, time = dk.exp "2ms" }
    local k = m:cache "k" { capacity = 100, policy = "lru", ttl = "1h" }
    local d = m:database "d" { replicas = 3 }
    local q = m:queue "q" {}
    expect(tostring(c)):to_be('client "c"')
    expect(b.kind):to_be("balancer")
    expect(s.name):to_be("s")
    expect(k.kind):to_be("cache")
    expect(d.replicas):to_be(3)
    expect(q.kind):to_be("queue")
    expect(#m:components()):to_be(6)
  end)

  it("can be made without options and configured later", function()
    local d = m:database "db"
    expect(d.kind):to_be("database")
    d { replicas = 4 }
    expect(d.replicas):to_be(4)
    d.replicas = 5
    expect(d.replicas):to_be(5)
  end)

  it("are made by m:component(kind, name, opts)", function()
    local s = m:component("service", "api", { workers = 4 })
    expect(s.workers):to_be(4)
    expect(m:find "api"):to_be(s)
    expect(m:find "nope"):to_be(nil)
  end)

  it("map option values by property type", function()
    local s = m:service "s" { time = 0.002, workers = 3 }
    expect(s.time:mean()):to_be_near(0.002)
    local k = m:cache "k" { ttl = 90, capacity = 10 }
    expect(k.ttl):to_be_near(90)
    local c = m:client "c" { rate = "2k/s", mix = { b = 1, a = 3 }, keys = dk.zipf(100, 1) }
    expect(c.rate):to_be_near(2000)
    expect(c.mix):to_equal({ a = 3, b = 1 })
    expect(m:classes()):to_equal({ "a", "b" })
  end)

  it("read plain-number distributions as seconds for durations", function()
    local s = m:service "s" { time = dk.uniform(0.001, 0.003) }
    expect(s.time:mean()):to_be_near(0.002)
    expect(tostring(s.time)):to_be("uniform(1ms, 3ms)")
  end)

  it("keep the same userdata for the same component", function()
    local s = m:service "s" {}
    expect(m:components()[1]):to_be(s)
  end)
end)

describe("groups", function()
  it("nest and hold components", function()
    local m = dk.model "g"
    local east = m:group "us-east" { kind = "region" }
    local a = east:group "a" { kind = "zone" }
    local api = a:service "api" {}
    local db = east:database("db", {})
    expect(east.kind):to_be("region")
    expect(a.parent):to_be(east)
    expect(api.group):to_be(a)
    expect(db.group):to_be(east)
    expect(tostring(a)):to_be('zone "a"')
    expect(#m:groups()):to_be(2)
  end)
end)

describe("links", function()
  local m, c, lb, a, b, db
  before_each(function()
    m = dk.model "l"
    c = m:client "c" { rate = 1 }
    lb = m:balancer "lb" {}
    a = m:service "a" {}
    b = m:service "b" {}
    db = m:database "db" {}
  end)

  it("chain with >> and return the right side", function()
    local r = c >> lb >> a
    expect(r):to_be(a)
    expect(c:links()):to_equal({ lb })
    expect(lb:links()):to_equal({ a })
  end)

  it("fan out and in with lists", function()
    _ = lb >> { a, b }
    _ = { a, b } >> db
    expect(lb:links()):to_equal({ a, b })
    expect(a:links()):to_equal({ db })
    expect(b:links()):to_equal({ db })
  end)

  it("are made by m:link with a latency, and as a chain", function()
    expect(m:link(a, db, { latency = dk.exp "1ms" })):to_be(db)
    m:link(c, lb, b)
    expect(lb:links()):to_equal({ b })
  end)

  it("refuse a self link, a duplicate and a link into a client", function()
    local err, at = failure(function() m:link(a, a) end), here()
    expect(err):to_be(at .. 'service "a": cannot link to itself')
    _ = a >> db
    expect(function() _ = a >> db end):to_fail("already")
    expect(function() _ = a >> c end):to_fail("client")
  end)

  it("refuse things that are not components", function()
    expect(function() _ = a >> {} end):to_fail("empty list")
    expect(function() _ = a >> { 1 } end):to_fail("must hold components")
    local other = dk.model "o":service "x" {}
    expect(function() _ = a >> other end):to_fail("different models")
  end)
end)

describe("routes", function()
  it("cache_aside links the service to its targets", function()
    local m = dk.model "r"
    local api = m:service "api" {}
    local cache = m:cache "k" {}
    local db = m:database "db" {}
    api:route("get", dk.cache_aside(cache, db))
    expect(api:links()):to_equal({ cache, db })
    local json = m:to_json()
    expect(json):to_match('"cache_aside"')
  end)

  it("call and handlers are routes too", function()
    local m = dk.model "r"
    local api = m:service "api" {}
    local a, b = m:service "a" {}, m:database "b" {}
    api:route("x", dk.call(a, b))
    expect(api:links()):to_equal({ a, b })
    api:on("y", function() end)
    local _, omitted = m:to_json()
    expect(#omitted):to_be(1)
  end)

  it("refuse a bad flow", function()
    local m = dk.model "r"
    local api = m:service "api" {}
    expect(function() api:route("x", {}) end):to_fail("expected a flow")
    expect(function() dk.cache_aside(api) end):to_fail("bad argument #2")
    expect(function() api:on("x", 5) end):to_fail("function expected")
  end)
end)

describe("errors", function()
  local m
  before_each(function() m = dk.model "e" end)

  it("name the script's file:line, the component and the field", function()
    local err, at = failure(function() m:cache "redis" { capacity = -5 } end), here()
    expect(err):to_be(at .. 'cache "redis": capacity must be a positive integer (got -5)')
  end)

  it("list the valid keys for an unknown option", function()
    local err, at = failure(function() m:cache "redis" { capcity = 5 } end), here()
    expect(err):to_be(at .. 'cache "redis": unknown option "capcity"; did you mean "capacity"? '
      .. "(valid: capacity, policy, ttl, time, replicas, workers, strategy, on_write, flush, batch, "
      .. "crash_at, bytes, object_size)")
  end)

  it("name the first unknown option in sorted order", function()
    local err = failure(function() m:service "s" { zz = 1, bb = 2, yy = 3 } end)
    expect(err):to_match('unknown option "bb"')
  end)

  it("list the kinds for an unknown kind", function()
    local err, at = failure(function() m:component("cahce", "x", {}) end), here()
    expect(err):to_match(at)
    expect(err):to_match('unknown component kind "cahce"')
  end)

  it("name an unknown kind written as a method, on models and groups", function()
    local err, at = failure(function() m:widget "w" {} end), here()
    expect(err):to_match(at)
    expect(err):to_match('a model has no method "widget" %(component kinds: client,')
    local g = m:group "g1" { kind = "zone" }
    expect(g.kind):to_equal("zone")
    expect(function() g:sevrice "api" {} end):to_fail('a group has no method "sevrice"')
  end)

  it("refuse values of the wrong type", function()
    expect(function() m:service "s" { workers = {} } end):to_fail("workers must be a whole number")
    expect(function() m:service "t" { replicas = 2.5 } end):to_fail("replicas")
    expect(function() m:client "c" { rate = "fast" } end):to_fail('invalid rate "fast"')
    expect(function() m:cache "k" { policy = "lfu9" } end):to_fail("lfu9")
    expect(function() m:cache "k2" (5) end):to_fail("options must be a table")
  end)

  it("refuse duration distributions for keys and zipf for durations", function()
    expect(function() m:client "c" { keys = dk.exp "1ms" } end)
      :to_fail('client "c": keys must be a distribution of numbers, not of durations')
    expect(function() m:service "s" { time = dk.zipf(10, 1) } end)
      :to_fail("zipf distribution cannot give durations")
  end)

  it("refuse duplicate names", function()
    m:service "s" {}
    expect(function() m:database "s" {} end):to_fail("s")
  end)

  it("refuse component calls outside a handler", function()
    local db = m:database "db" {}
    local err, at = failure(function() db:read(1) end), here()
    expect(err):to_be(at .. 'database "db": read() can only be called inside a running handler (see comp:on)')
  end)
end)

describe("expectations and checks", function()
  it("accept every metric and refuse unknown ones", function()
    local m = dk.model "x"
    m:expect { p50 = "1ms", p90 = 0.002, p99 = "5ms", p999 = "10ms", mean = "1ms" }
    m:expect { availability = "99.9%", throughput = "1k/s", utilisation = 0.8, class = "a" }
    expect(function() m:expect { p98 = 1 } end):to_fail('unknown option "p98"')
    expect(function() m:expect {} end):to_fail("nothing to expect")
    expect(function() m:expect { p99 = "soon" } end):to_fail('expect p99: invalid duration "soon"')
  end)

  it("m:check finds a single point of failure", function()
    local m = dk.model "x"
    local c = m:client "c" { rate = 1 }
    local lb = m:balancer "lb" {}
    _ = c >> lb >> m:service "a" {}
    local findings = m:check()
    expect(#findings):to_be_greater_than(0)
    local lb_spof = false
    for _, f in ipairs(findings) do
      expect(f.severity):to_match("^%a+$")
      if f.rule == "spof" and f.component == "lb" then lb_spof = true end
    end
    expect(lb_spof):to_be(true)
  end)
end)
