-- Run with: designkit examples/json.lua
-- dk.json turns Lua values into JSON text and back. Keys come out sorted, so the same value
-- gives the same text on every run; malformed text gives nil and a message with line and column.
local dk = require "designkit"

-- A run's report is JSON: decode it to pick out the numbers a notebook or a CI job would keep.
local m = dk.model "json-demo"
local users = m:client "users" { rate = "200/s" }
local api = m:service "api" { workers = 2, time = dk.exp "5ms" }
_ = users >> api
m:expect { p99 = "100ms" }
local report = assert(dk.json.decode(m:run { duration = "10s", seed = 1 }:json(), "report"))
local served = report.components[2]
print(("%s served %d requests, p99 %.1f ms"):format(served.name, served.completed,
                                                    served.latency.p99_ns / 1e6))

-- Build a summary and encode it: compact by default, one member per line with pretty = true.
-- dk.json.null stands for JSON null (a nil would just leave the key out).
local summary = {
  model = report.model,
  seed = report.seed,
  met = report.expectations[1].ok,
  p99_ms = served.latency.p99_ns / 1e6,
  note = dk.json.null,
}
print(dk.json.encode(summary))
print(dk.json.encode(summary, { pretty = true }))
assert(dk.json.decode(dk.json.encode(summary)).seed == 1)

-- Malformed text is an expected failure: nil and "source:line:col: message".
local v, err = dk.json.decode('{"rate": 200,}', "inline.json")
print(v, err) --> nil  inline.json:1:13: a comma before '}' (JSON has no trailing commas)

-- What JSON cannot hold is a mistake in the script: an error that names where it is.
local ok, msg = pcall(dk.json.encode, { servers = { "a", "b", print } })
print(ok, msg) --> false  encode: value.servers[3]: cannot encode a function
