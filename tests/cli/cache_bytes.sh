#!/usr/bin/env bash
# cache_bytes.sh DESIGNKIT ROOT - a cache counted in bytes end to end: its byte figures in the
# text report's "cache bytes" table and in the JSON report's "bytes" object (valid against
# schemas/report.schema.json); bad byte options are exit 2 naming the script's line, the cache
# and the field.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

# design.lua OPTIONS: users -> api -> cache_aside(cache, db), three keys, 10 a second.
design() {
    cat >"$TMP/design.lua" <<LUA
local dk = require "designkit"
local m = dk.model "bytes"
local users = m:client "users" { rate = 10, arrivals = "constant", keys = dk.uniform(1, 3) }
local api = m:service "api" { time = "1ms" }
local cache = m:cache "cache" { $1 }
local db = m:database "db" { time = "1ms" }
_ = users >> api
api:route("request", dk.cache_aside(cache, db))
return m
LUA
}

# Objects of 4 KiB in 10 KiB: two fit, so at the end it holds 8 KiB; none is too big.
design 'bytes = "10KiB", object_size = "4KiB"'
dk run "$TMP/design.lua" --for 20s --json "$TMP/r.json"
check "a cache counted in bytes runs" rc_is 0
check "the text report has a cache bytes table" out_matches \
    'cache +cache +10KiB +8KiB +80\.00% +8KiB +[0-9.]+% +0'
check "the JSON report has the bytes object on the cache only" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["components"]}
assert c["cache"]["bytes"] == {"capacity": 10240, "used": 8192, "peak": 8192, "too_big": 0}, c["cache"]
assert all("bytes" not in c[n] for n in ("users", "api", "db"))
' "$TMP/r.json"
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    check "the JSON report matches the report schema" /usr/bin/python3 -c '
import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
' "$ROOT/schemas/report.schema.json" "$TMP/r.json"
fi

# Objects of 16 KiB never fit: every lookup misses, every fill is refused and counted.
design 'bytes = "10KiB", object_size = "16KiB"'
dk run "$TMP/design.lua" --for 10s --json "$TMP/big.json"
check "objects larger than the cache are counted, never held" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["name"]: x for x in d["components"]}
b, api = c["cache"]["bytes"], c["api"]
assert b["used"] == 0 and b["peak"] == 0, b
assert b["too_big"] == api["completed"] and b["too_big"] > 90, (b, api)
assert c["cache"]["hit_ratio"] == 0
' "$TMP/big.json"

# Bad input: exit 2, the line of the cache, its name and the field.
design 'bytes = "64Mib"'
expect_fail "an unknown size unit" 2 'design.lua:5: cache "cache": bytes: invalid size "64Mib"' \
    run "$TMP/design.lua" --for 1s
design 'bytes = -5'
expect_fail "a negative size" 2 'design.lua:5: cache "cache": bytes must not be negative' \
    run "$TMP/design.lua" --for 1s
design 'bytes = "1MiB", object_size = 0'
expect_fail "an object of no size" 2 'design.lua:5: cache "cache": object_size must be positive' \
    run "$TMP/design.lua" --for 1s
# Values that cannot go together: run's check refuses them before anything runs (exit 1, as for
# every check error); with --force the builder refuses them (exit 2, naming the cache's line).
design 'bytes = "1MiB", policy = "arc"'
expect_fail "a policy that counts entries" 1 \
    'cache "cache": bytes: cache policy "arc" cannot hold sized entries' \
    run "$TMP/design.lua" --for 1s
check "... naming the policies that can" err_has "needs one of lru, lfu, perfect_lfu, fifo, lifo, mru, random"
expect_fail "... and with --force the builder refuses it" 2 \
    'design.lua:5: cache "cache": bytes: cache policy "arc" cannot hold sized entries' \
    run "$TMP/design.lua" --for 1s --force
design 'bytes = "1MiB", capacity = 100'
expect_fail "capacity and bytes both set" 1 'cache "cache": capacity and bytes are both set' \
    run "$TMP/design.lua" --for 1s
expect_fail "... and with --force the builder refuses it" 2 \
    'design.lua:5: cache "cache": capacity and bytes are both set' run "$TMP/design.lua" --for 1s --force

# `check` finds what the builder would refuse (rule "options", an error: exit 1), without a run.
for opts in 'bytes = "1MiB", policy = "2q"' 'bytes = "1MiB", capacity = 100' 'object_size = "4KiB"'; do
    design "$opts"
    dk check "$TMP/design.lua"
    check "check: { $opts } is an error of the rule options" rc_is 1
    check "... naming the cache" out_matches '^error +options +cache +cache "cache": '
done
design 'bytes = "1MiB", policy = "lru"'
dk check "$TMP/design.lua"
check "check: a sound byte cache has no options finding" test -z "$(printf '%s' "$OUT" | grep -w options)"

finish
