# overload.sh - a design whose requests pile up stops with "overloaded" (exit 2) naming the
# component, its offered load and its capacity; a heavily loaded but stable one runs to the
# end however many requests it has in flight; --overload moves the threshold or turns it off.
# (The floods themselves are in tests/hostile/overload_*.lua.)
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1

# 1.2 million requests a second, each holding a worker 1 s, 2 million workers: over a million in
# flight (past the default threshold, 1048576), none waiting, utilisation 0.6.
cat >busy.lua <<'LUA'
local dk = require "designkit"
local m = dk.model "busy"
local users = m:client "users" { rate = 1.2e6 }
local api = m:service "api" { replicas = 2, workers = 1e6, time = dk.constant "1s" }
m:links { users >> api }
return m
LUA
dk run busy.lua --for 1.5s --json busy.json
check "a million in flight, none waiting: it runs to the end" rc_is 0
check "and reports it" out_has "busy: 1.5s simulated"
check "with about 1.2 million requests a second arriving" \
    /usr/bin/python3 -c 'import json, sys
r = json.load(open("busy.json"))
api = [c for c in r["components"] if c["name"] == "api"][0]
assert 1.17e6 < api["arrivals"] / 1.5 < 1.23e6, api' 2>/dev/null

# 4 workers of 1 ms: 4000/s. Sent 5000/s, the queue grows by about 1000 a second.
cat >slow.lua <<'LUA'
local dk = require "designkit"
local m = dk.model "slow"
local users = m:client "users" { rate = 5000 }
local api = m:service "api" { workers = 4, time = "1ms" }
m:links { users >> api }
return m
LUA
expect_fail "--overload 2000: stops once 2000 wait, exit 2" 2 \
    'overloaded: service "api" has ' run slow.lua --for 60s --overload 2000
check "naming its capacity" err_has "against a capacity of 4000/s (4 workers x 1000/s)"
check "and how to change when it stops" err_has "--overload N|off"
check "and no report" test -z "$OUT"
dk run slow.lua --for 60s
check "by default (1048576 waiting) the same minute runs: ~60,000 wait" rc_is 0
dk run slow.lua --for 60s --overload off
check "--overload off never stops" rc_is 0
expect_fail "--overload 0 is refused" 2 "--overload must be a whole number >= 1 or off (got 0)" \
    run slow.lua --overload 0
expect_fail "--overload x is refused" 2 "--overload must be a whole number >= 1 or off (got x)" \
    run slow.lua --overload x

# m:run's own option, as a script uses it.
cat >option.lua <<'LUA'
local dk = require "designkit"
local m = dk.model "slow"
local users = m:client "users" { rate = 5000 }
local api = m:service "api" { workers = 4, time = "1ms" }
m:links { users >> api }
local ok, err = pcall(m.run, m, { duration = "60s", overload = 2000 })
print(ok, err and err.status, err and err.message)
print(m:run { duration = "10s", overload = false } ~= nil)
print(pcall(m.run, m, { overload = 0 }))
LUA
dk option.lua
check "m:run { overload = N } stops with the status \"full\"" out_matches '^false	full	(option\.lua:[0-9]+: )?model "slow": overloaded: service "api" has '
check "m:run { overload = false } runs" out_matches '^true$'
check "m:run { overload = 0 } is an error" out_has "run: overload must be a whole number >= 1 (requests waiting) or false (got 0)"

finish
