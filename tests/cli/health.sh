#!/usr/bin/env bash
# health.sh DESIGNKIT ROOT - a balancer's health checks and auto-healing end to end: the text
# report's health table, the JSON report's "health" array, and bad options as exit 2 naming the
# script's line, the component and the option.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

# Requests every 1/7 s, 1 ms each; the service hangs at 5 s. Probes every 1 s (timeout 0.5 s,
# unhealthy after 2, healthy after 1), a restart 2 s after the verdict, taking 1 s. By hand
# (as tests/core/test_health_sim.c): unhealthy at 6.5 s, restarted at 8.5 s, down to 9.5 s,
# healthy at 10.001 s; the probes of 5, 6, 7, 8 and 9 s fail; 36 requests fail.
cat >"$TMP/h.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "h"
local users = m:client "users" { rate = "7/s", arrivals = "constant" }
local lb = m:balancer "lb" { health_interval = "1s", health_timeout = "500ms", unhealthy = 2,
                             healthy = 1, restart_after = "2s" }
local api = m:service "api" { time = "1ms", hang_at = "5s", restart_time = "1s" }
m:links { users >> lb >> api }
return m
LUA
dk run "$TMP/h.lua" --for 20s --json "$TMP/h.json"
check "a run with a hang and auto-healing succeeds" rc_is 0
check "the text report has a health table" out_matches 'lb +api +21 +5 +3\.501s +1 +healthy'
check "the JSON report has the balancer's health array" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["components"]}
h = c["lb"]["health"]
assert h == [{"backend": "api", "probes": 21, "failures": 5, "restarts": 1, "unhealthy": 3.501,
              "healthy": True}], h
assert "health" not in c["users"] and "health" not in c["api"]
assert d["classes"][0]["failed"] == 36, d["classes"][0]
' "$TMP/h.json"

bad() { # bad NAME KIND OPTIONS EXPECTED
    printf 'local dk = require "designkit"\nlocal m = dk.model "b"\nm:%s "x" { %s }\nreturn m\n' \
        "$2" "$3" >"$TMP/$1.lua"
    expect_fail "$1 is exit 2 naming the place" 2 "$1.lua:3: $2 \"x\": $4" run "$TMP/$1.lua"
}
badlb() { # badlb NAME OPTIONS EXPECTED: a balancer with a client and a backend, so that the
    # options checked when the simulator is built are reached (check passes first)
    printf 'local dk = require "designkit"\nlocal m = dk.model "b"\nlocal u = m:client "u" {}\nlocal x = m:balancer "x" { %s }\nlocal a = m:service "a" {}\nm:links { u >> x >> a }\nreturn m\n' \
        "$2" >"$TMP/$1.lua"
    expect_fail "$1 is exit 2 naming the place" 2 "$1.lua:4: balancer \"x\": $3" run "$TMP/$1.lua" --for 1s
}
bad interval balancer 'health_interval = "-5s"' 'health_interval: invalid duration "-5s": must not be negative'
bad healthy0 balancer 'health_interval = "5s", healthy = 0' 'healthy must be a positive integer (got 0)'
bad unhealthy balancer 'health_interval = "5s", unhealthy = 1001' 'unhealthy'
badlb timeout 'health_interval = "5s", health_timeout = "6s"' 'health_timeout must be at most health_interval'
badlb alone 'restart_after = "20s"' 'restart_after: health checks need a health_interval'
bad ejectmax balancer 'eject_after = 3, eject_max = 1.5' 'eject_max'
bad ejectbase balancer 'eject_after = 3, eject_base = "0s"' 'eject_base must be positive'
bad every service 'hang_every = "10s"' 'hang_every: a repeated hang needs hang_at'
bad hang database 'hang_at = "-1s"' 'hang_at: invalid duration "-1s": must not be negative'

# A timeout equal to the interval is allowed (the probe's timeout comes before the next probe).
cat >"$TMP/eq.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "eq"
local users = m:client "users" { rate = "10/s" }
local lb = m:balancer "lb" { health_interval = "1s", health_timeout = "1s" }
local api = m:service "api" { time = "1ms" }
m:links { users >> lb >> api }
return m
LUA
dk run "$TMP/eq.lua" --for 5s --quiet
check "health_timeout equal to health_interval is allowed" rc_is 0

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
