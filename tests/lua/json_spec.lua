-- json_spec: dk.json (encode and decode, in C through the core's JSON), and models that travel
-- through JSON and run the same.
local dk = require "designkit"
local json = dk.json

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

describe("dk.json.encode", function()
  it("sorts keys and writes integers without .0", function()
    expect(json.encode { b = 1, a = { 2.0, 0.5, "x" } }):to_be('{"a":[2,0.5,"x"],"b":1}')
    expect(json.encode {}):to_be("[]")
    expect(json.encode "a\"b\n\1"):to_be('"a\\"b\\n\\u0001"')
    expect(json.encode { true, false, "é" }):to_be('[true,false,"é"]')
    expect(json.encode { z = 1, ["a b"] = 2, A = 3, ["10"] = 4, ["9"] = 5 })
      :to_be('{"10":4,"9":5,"A":3,"a b":2,"z":1}') -- byte order, whatever the locale
  end)

  it("gives the same text whatever order the keys went in", function()
    local a, b = {}, {}
    for i = 1, 50 do a["k" .. i] = i end
    for i = 50, 1, -1 do b["k" .. i] = i end
    expect(json.encode(a)):to_be(json.encode(b))
  end)

  it("writes numbers that read back exactly, integers in full", function()
    expect(json.encode(0.1)):to_be("0.1")
    expect(json.encode(0.1 + 0.2)):to_be("0.30000000000000004")
    expect(json.encode(math.maxinteger)):to_be("9223372036854775807")
    expect(json.encode(math.mininteger)):to_be("-9223372036854775808")
    expect(json.encode(2.0 ^ 53)):to_be("9007199254740992")
    expect(json.encode(1e300)):to_be("1e+300")
    for _, x in ipairs { 0.1 + 0.2, 1 / 3, math.pi, 5e-324, 1.7976931348623157e308, -2.5 } do
      expect(tonumber(json.encode(x))):to_be(x) -- Lua's own reader as the judge
      expect(json.decode(json.encode(x))):to_be(x)
    end
  end)

  it("writes dk.json.null and nil as null", function()
    expect(json.encode { 1, json.null, 3 }):to_be("[1,null,3]")
    expect(json.encode { a = json.null }):to_be('{"a":null}')
    expect(json.encode(nil)):to_be("null")
    expect(tostring(json.null)):to_be("dk.json.null")
  end)

  it("lets a table appear twice when it is not inside itself", function()
    local shared = { 1 }
    expect(json.encode { a = shared, b = shared }):to_be('{"a":[1],"b":[1]}')
  end)

  it("pretty-prints with tabs, one member per line, as designkit's files", function()
    expect(json.encode({ b = { 1, 2 }, a = { deep = true }, e = {} }, { pretty = true }))
      :to_be('{\n\t"a":\t{\n\t\t"deep":\ttrue\n\t},\n\t"b":\t[1, 2],\n\t"e":\t[]\n}')
    expect(json.encode({ 1 }, { pretty = false })):to_be("[1]")
  end)

  it("raises for what JSON cannot hold, naming where it is", function()
    local function fails(v, msg)
      local ok, err = pcall(function() json.encode(v) end); local at = here()
      expect(ok):to_be(false)
      expect(err):to_be(at .. "encode: " .. msg)
    end
    fails({ servers = { "a", "b", print } }, "value.servers[3]: cannot encode a function")
    fails({ x = { 0 / 0 } }, "value.x[1]: cannot encode nan (JSON numbers are finite)")
    fails({ math.huge }, "value[1]: cannot encode inf (JSON numbers are finite)")
    fails({ ["a b"] = { -math.huge } }, 'value["a b"][1]: cannot encode -inf (JSON numbers are finite)')
    local t = { a = { b = {} } }
    t.a.b.back = t.a
    fails(t, "value.a.b.back: a cycle: this is the same table as value.a")
    fails({ [true] = 1 }, "value: keys must be strings (got a boolean key)")
    fails({ [1.5] = 1 }, "value: keys must be strings (got the number key 1.5)")
    fails({ 1, 2, x = 3 }, "value: mixes string keys with array items (JSON has objects or arrays)")
    fails({ [0] = "a", [1] = "b" }, "value: array items run from [1] (got the key 0)")
    fails({ 1, 2, nil, 4 }, "value: sparse array: no item [3] before item [4] (JSON arrays have no holes)")
    fails({ [10 ^ 15 // 1] = 1 }, "value: sparse array: no item [1] before item [1000000000000000] (JSON arrays have no holes)")
    fails({ m = dk.model "x" }, "value.m: cannot encode a designkit.model")
    fails({ co = coroutine.create(print) }, "value.co: cannot encode a thread")
    fails({ io.stdout }, "value[1]: cannot encode a FILE*")
    fails({ name = "caf\xe9" }, "value.name: a string is not valid UTF-8 (at byte 4)")
    fails({ ["\xff"] = 1 }, 'value["?"]: a key is not valid UTF-8 (at byte 1)')
    fails({ s = "a\0b" }, "value.s: a string holds a NUL byte (at byte 2)")
    local deep = {}
    local cur = deep
    for _ = 1, 600 do cur.x = {}; cur = cur.x end
    local ok, err = pcall(json.encode, deep)
    expect(ok):to_be(false)
    expect(err):to_match("^encode: value%.x%.x%.x%.x%.%.%.[x.]+: nested deeper than 512 levels$")
  end)

  it("refuses bad arguments", function()
    expect(function() json.encode() end):to_fail("bad argument #1 to 'encode' (value expected)")
    expect(function() json.encode(1, "pretty") end):to_fail("bad argument #2 to 'encode' (table expected, got string)")
    expect(function() json.encode(1, { indent = "  " }) end):to_fail('encode: unknown option "indent" (valid: pretty)')
    expect(function() json.encode(1, { pretty = 1 }) end):to_fail("encode: pretty must be a boolean (got number)")
  end)
end)

describe("dk.json.decode", function()
  it("reads every kind of value", function()
    local v = json.decode '{"a":[1,2.5,null,true,false,"\\u00e9\\ud83d\\ude00\\n"],"b":{},"c":[]}'
    expect(v):to_equal({ a = { 1, 2.5, json.null, true, false, "é😀\n" }, b = {}, c = {} })
    expect(math.type(v.a[1])):to_be("integer")
    expect(math.type(v.a[2])):to_be("float")
    expect(#v.a):to_be(6) -- null keeps its place
    expect(json.decode "null"):to_be(json.null)
    expect(json.decode ' "x" '):to_be("x")
  end)

  it("reads integers exactly up to 2^53 and floats beyond", function()
    expect(json.decode "9007199254740991"):to_be(9007199254740991)
    expect(math.type(json.decode "9007199254740993")):to_be("float")
    expect(math.type(json.decode "1e3")):to_be("integer")
    expect(json.decode "1e3"):to_be(1000)
  end)

  it("pretty-prints and decodes back", function()
    local v = { name = "x", list = { 1, 2, { deep = true } }, n = 1.5, none = json.null }
    expect(json.decode(json.encode(v, { pretty = true }))):to_equal(v)
    expect(json.decode(json.encode(v))):to_equal(v)
  end)

  it("returns nil and source:line:col for malformed text", function()
    local function refuses(text, msg, source)
      local v, err = json.decode(text, source)
      expect(v):to_be(nil)
      expect(err):to_be(msg)
    end
    refuses('{"a": }', "json:1:7: expected a value (got '}')")
    refuses('[1,\n 2,]', "cfg.json:2:3: a comma before ']' (JSON has no trailing commas)", "cfg.json")
    refuses("", "json:1:1: no JSON value (the text is empty)")
    refuses("[1] 2", "json:1:5: unexpected text after the value (got '2')")
    refuses('{"a":1,"a":2}', 'json:1:8: duplicate key "a"')
    refuses("[1e999]", "json:1:2: number out of range (a double reaches 1.8e308)")
    refuses("01", "json:1:1: a number cannot start with 0 (leading zeros)")
    refuses('"\\u0000"', "json:1:2: \\u0000 is not allowed (strings cannot hold NUL)")
    refuses('"\\ud800"', "json:1:2: unpaired surrogate \\uD800")
    refuses('"caf\xe9"', "json:1:5: invalid UTF-8 in a string (byte 0xE9)")
    refuses('"tab\there"', "json:1:5: control character U+0009 in a string (escape it)")
    refuses("NaN", "json:1:1: expected a value (got 'N')")
    refuses(("["):rep(100000), "json:1:513: nested deeper than 512 levels")
    refuses(('{"a":'):rep(1000), "json:1:2561: nested deeper than 512 levels")
  end)

  it("refuses every truncation of a document", function()
    local text = json.encode { name = "x", list = { 1, 2.5, "s" }, deep = { a = { b = json.null } } }
    for n = 0, #text - 1 do
      local v, err = json.decode(text:sub(1, n))
      expect(v):to_be(nil)
      expect(err):to_match("^json:1:%d+: ")
    end
  end)

  it("raises for arguments of the wrong type", function()
    expect(function() json.decode(5) end):to_fail("bad argument #1 to 'decode' (string expected, got number)")
    expect(function() json.decode() end):to_fail("bad argument #1 to 'decode' (string expected, got no value)")
    expect(function() json.decode("1", 5) end):to_fail("bad argument #2 to 'decode' (string expected, got number)")
  end)
end)

describe("dk.json's editor annotations", function()
  it("name every function and the null sentinel", function()
    local f = assert(io.open("bindings/lua/meta/designkit.lua", "r"))
    local meta = f:read("a")
    f:close()
    for name, v in pairs(json) do
      if type(v) == "function" then
        expect(meta:find("function json." .. name .. "(", 1, true) ~= nil):to_be(true)
      end
    end
    expect(meta:find("---@field null", 1, true) ~= nil):to_be(true)
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
