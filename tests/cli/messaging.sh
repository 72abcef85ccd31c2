#!/usr/bin/env bash
# messaging.sh DESIGNKIT ROOT - queues and topics end to end: client -> queue -> worker -> db
# delivers every request, the caller waits for the enqueue only, the text and JSON reports carry
# the message figures, check warns of a queue that passes its messages to nothing, and a bad
# option is exit 2 naming the place.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cat >"$TMP/pipeline.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "async"
local users = m:client "users" { rate = 100, arrivals = "constant" }
local q = m:queue "jobs" { consumers = 2, enqueue = "0.1ms", time = "1ms" }
local worker = m:service "worker" { replicas = 2, workers = 4, time = "5ms" }
local db = m:database "db" { replicas = 2, time = "2ms" }
m:links { users >> q >> worker >> db }
return m
LUA

dk run "$TMP/pipeline.lua" --for 60s --requests 205 --json "$TMP/report.json"
check "a pipeline through a queue runs" rc_is 0
check "the text report has a messages table" out_matches "^messages +kind +consumed +depth +max +backlog"
check "the queue is in it" out_matches "^jobs +queue +"
check "the JSON report: every request reached db, each caller waited 0.1 ms" \
    /usr/bin/python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in r["components"]}
sent = c["users"]["arrivals"]
assert sent == 205, sent
assert c["db"]["completed"] == sent, (c["db"]["completed"], sent)
q = c["jobs"]["messages"]
assert q["admitted"] == sent and q["consumed"] == sent, q
assert q["backlog"] == 0 and q["dropped"] == 0 and q["blocked"] == 0, q
lat = r["classes"][0]["latency"]
assert lat["mean_ns"] == 100000 and lat["max_ns"] == 100000, lat
assert "messages" not in c["worker"], c["worker"]' "$TMP/report.json"

cat >"$TMP/dangling.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "dangling"
local users = m:client "users" { rate = 10 }
local q = m:queue "jobs" {}
_ = users >> q
return m
LUA
dk check "$TMP/dangling.lua"
check "check warns of a queue that passes its messages to nothing" \
    out_matches "^warning +no-route +jobs +queue \"jobs\" passes its messages to nothing"
check "a warning alone exits 0" rc_is 0

printf 'local dk = require "designkit"\nlocal m = dk.model "bad"\nm:queue "jobs" { when_full = "wait" }\nreturn m\n' \
    >"$TMP/bad.lua"
expect_fail "an unknown when_full is exit 2 naming file, line, component and field" 2 \
    'bad.lua:3: queue "jobs": when_full must be one of reject, block, drop_oldest' run "$TMP/bad.lua"
printf 'local dk = require "designkit"\nlocal m = dk.model "bad"\nm:topic "news" { capacity = -1 }\nreturn m\n' \
    >"$TMP/bad2.lua"
expect_fail "a negative topic capacity is exit 2 naming the place" 2 \
    'bad2.lua:3: topic "news": capacity' run "$TMP/bad2.lua"

finish
