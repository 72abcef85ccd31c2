-- json_spec: the JSON encoder, and models that travel through JSON and run the same.
local dk = require "designkit"
local json = require "designkit.json"

local function design()
  local m = dk.model "rt"
  local east = m:group "east" { kind = "region" }
  local users = m:client "users" { rate = 300, mix = { get = 0.8, put = 0.2 }, keys = dk.zipf(5000, 0.9) }
  local lb = m:balancer "lb" { algorithm = "least_connections" }
  local a = east:service "a" { replicas = 2, workers = 4, time = dk.lognormal("2ms", 0.4) }
  local b = east:service "b" { replicas = 2, workers = 4, time = dk.exp "2ms" }
  local cache = east:cache "cache" { capacity = 1000, ttl = "30s" }
  local db = east:database "db" { replicas = 2, time = dk.uniform("1ms", "3ms") }
  _ = users >> lb >> { a, b }
  m:link(a, db, { latency = dk.exp "1ms" })
  a:route("get", dk.cache_aside(cache, db))
  b:route("get", dk.cache_aside(cache, db))
  a:route("put", dk.call(db))
  b:route("put", dk.call(db))
  m:expect { p99 = "100ms", availability = 0.999 }
  return m
end

describe("json encoder", function()
  it("sorts keys and writes integers without .0", function()
    expect(json.encode { b = 1, a = { 2.0, 0.5, "x" } }):to_be('{"a":[2,0.5,"x"],"b":1}')
    expect(json.encode(0.1)):to_be("0.10000000000000001")
    expect(json.encode { 0 / 0, math.huge }):to_be("[null,null]")
    expect(json.encode {}):to_be("[]")
    expect(json.encode "a\"b\n"):to_be('"a\\"b\\n"')
  end)

  it("pretty-prints and decodes back", function()
    local v = { name = "x", list = { 1, 2, { deep = true } }, n = 1.5 }
    expect(json.decode(json.encode(v, { indent = "  " }))):to_equal(v)
    local bad, msg = json.decode '{"a": }'
    expect(bad):to_be(nil)
    expect(msg):to_match("^1:7:")
  end)
end)

describe("models as JSON", function()
  it("read back to the same JSON", function()
    local text = design():to_json()
    local m2 = assert(dk.from_json(text, "rt.json"))
    expect(m2:to_json()):to_be(text)
    expect(m2:find("cache").capacity):to_be(1000)
  end)

  it("run the same as the script with the same seed", function()
    local m = design()
    local m2 = assert(dk.from_json(m:to_json(), "rt.json"))
    local r1 = m:run { duration = "10s", seed = 5 }
    local r2 = m2:run { duration = "10s", seed = 5 }
    expect(r2:json()):to_be(r1:json())
  end)

  it("export and load through a file", function()
    local path = os.tmpname()
    local ok, omitted = design():export(path)
    expect(ok):to_be(true)
    expect(omitted):to_equal({})
    local m = assert(dk.load_json(path))
    os.remove(path)
    expect(m:name()):to_be("rt")
    expect(#m:components()):to_be(6)
  end)

  it("name the handlers left out", function()
    local m = dk.model "h"
    m:service "api" {}:on("x", function() end)
    local _, omitted = m:to_json()
    expect(#omitted):to_be(1)
    expect(omitted[1]):to_match("api")
  end)

  it("report malformed JSON with line and column, missing files with the path", function()
    local m, msg = dk.from_json('{\n  "name": ,\n}', "bad.json")
    expect(m):to_be(nil)
    expect(msg):to_match("^bad.json:2:")
    m, msg = dk.load_json("/nonexistent/model.json")
    expect(m):to_be(nil)
    expect(msg):to_match("/nonexistent/model.json")
  end)
end)
