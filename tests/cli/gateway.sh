#!/usr/bin/env bash
# gateway.sh DESIGNKIT ROOT - the gateway kind end to end: the requests its rate limiter refuses
# are their own outcome, "limited", in the text report and the JSON report; bad limiter options
# are exit 2 naming the script's line, the gateway and the field.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cat >"$TMP/gw.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "gw"
local users = m:client "users" { rate = "200/s", arrivals = "constant" }
local edge = m:gateway "edge" { algorithm = "fixed_window", rate = "100/s", burst = 100 }
local api = m:service "api" { workers = 100, time = "1ms" }
m:links { users >> edge >> api }
return m
LUA
# Constant arrivals at 5 ms, 10 ms, ..., 10 s against 100 per window [k s, k+1 s): the first
# window holds 199 arrivals (100 pass, 99 limited), the next nine 200 each (100 and 100), and
# the arrival at exactly 10 s opens a new window and passes: 1001 pass, 999 limited, exactly.
dk run "$TMP/gw.lua" --for 10s --json "$TMP/gw.json"
check "a gateway run succeeds" rc_is 0
check "the text report has a rate limits table" out_matches \
    'edge +gateway +2000 +100/s +999 +49\.95%'
check "the JSON report counts limited on the gateway only" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["components"]}
assert c["edge"]["limited"] == 999 and c["edge"]["rejected"] == 999, c["edge"]
assert "limited" not in c["users"] and "limited" not in c["api"]
assert c["api"]["arrivals"] == 1001
' "$TMP/gw.json"

printf 'local dk = require "designkit"\nlocal m = dk.model "b"\nm:gateway "edge" { rate = "-5/s" }\nreturn m\n' \
    >"$TMP/bad1.lua"
expect_fail "a negative rate is exit 2 naming the place" 2 'bad1.lua:3: gateway "edge": rate' \
    run "$TMP/bad1.lua"
printf 'local dk = require "designkit"\nlocal m = dk.model "b"\nm:gateway "edge" { burst = 0 }\nreturn m\n' \
    >"$TMP/bad2.lua"
expect_fail "a burst below 1 is exit 2 naming the place" 2 'bad2.lua:3: gateway "edge": burst' \
    run "$TMP/bad2.lua"
printf 'local dk = require "designkit"\nlocal m = dk.model "b"\nm:gateway "edge" { algorithm = "leaky" }\nreturn m\n' \
    >"$TMP/bad3.lua"
expect_fail "an unknown algorithm lists the valid ones" 2 'token_bucket, leaky_bucket, leaky_queue' \
    run "$TMP/bad3.lua"

finish
