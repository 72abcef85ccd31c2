#!/usr/bin/env bash
# resilience.sh DESIGNKIT ROOT - failure injection and the guard kind end to end: the text
# report's resilience table, the JSON report's "resilience" object, and bad options as exit 2
# naming the script's line, the component and the field.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cat >"$TMP/r.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "r"
local users = m:client "users" { rate = "100/s", arrivals = "constant" }
local g = m:guard "g" { attempts = 3, base = "10ms", jitter = "none" }
local dep = m:database "dep" { workers = 0, time = "1ms", fail_from = "0s", fail_to = "1h" }
m:links { users >> g >> dep }
return m
LUA
# 100 requests/s for 10 s against a dependency that always fails: each makes exactly 3 attempts
# (1000 requests, 3000 attempts, 2000 retries) and fails.
dk run "$TMP/r.lua" --for 11s --requests 1000 --json "$TMP/r.json"
check "a run with a dead dependency succeeds" rc_is 0
check "the text report has a resilience table" out_matches 'g +1000 +3000 +2000 +0 +0 +0'
check "the JSON report has the guard's resilience object" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["components"]}
r = c["g"]["resilience"]
assert r["attempts"] == 3000 and r["retries"] == 2000 and r["breaker"] is None, r
assert c["dep"]["arrivals"] == 3000 and c["dep"]["failed"] == 3000, c["dep"]
assert "resilience" not in c["users"] and "resilience" not in c["dep"]
' "$TMP/r.json"

bad() { # bad NAME KIND OPTIONS EXPECTED
    printf 'local dk = require "designkit"\nlocal m = dk.model "b"\nm:%s "x" { %s }\nreturn m\n' \
        "$2" "$3" >"$TMP/$1.lua"
    expect_fail "$1 is exit 2 naming the place" 2 "$1.lua:3: $2 \"x\": $4" run "$TMP/$1.lua"
}
bad attempts0 guard 'attempts = 0' 'attempts'
bad cap guard 'attempts = 2, base = "1s", cap = "1ms"' 'retry: cap must be at least base'
bad rate guard 'failure_rate = 1.5' 'failure_rate'
bad window guard 'breaker_window = -1' 'breaker_window'
bad jitter guard 'jitter = "wild"' 'jitter must be one of none, full, equal, decorrelated'
bad timeout guard 'timeout = "-1s"' 'timeout'
bad wait guard 'breaker_wait = "0s"' 'breaker_wait'
bad bulkhead guard 'bulkhead_max = -1' 'bulkhead_max'
bad unknown guard 'retry = 3' 'unknown option "retry"'
bad order service 'fail_from = "2s", fail_to = "1s"' 'fail_to must be after fail_from'
bad noend database 'fail_from = "2s"' 'fail_to'
bad share service 'fail_to = "1s", fail_rate = 2' 'fail_rate'

finish
