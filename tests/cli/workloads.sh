# workloads.sh - closed clients and mixed distributions end to end: run, draw, export and read
# back, and bad input named with its place and exit 2.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1

cat > closed.lua <<'LUA'
local dk = require "designkit"
local m = dk.model "closed"
local users = m:client "users" { users = 4, think = dk.exp "100ms" }
local api = m:service "api" { time = dk.mixture { { 0.9, dk.exp "2ms" }, { 0.1, dk.hyperexp { mean = "20ms", scv = 4 } } } }
_ = users >> api
return m
LUA
dk run closed.lua --for 60s
check "a closed design runs" rc_is 0
check "and reports its client" out_matches "users +client"
dk draw closed.lua -o closed.dot
check "the drawing shows the users" grep -q '4 users' closed.dot
dk export closed.lua -o closed.json
check "it exports" rc_is 0
check "with the mixture" grep -q '"kind":[[:space:]]*"mixture"' closed.json
check "and the hyperexponential" grep -q '"kind":[[:space:]]*"hyperexponential"' closed.json
dk run closed.lua --for 60s --seed 9
first=$OUT
dk run closed.json --for 60s --seed 9
check "the JSON runs as the script does" test "$OUT" = "$first"

cat > both.lua <<'LUA'
local dk = require "designkit"
local m = dk.model "both"
local users = m:client "users" { users = 4, rate = 100 }
_ = users >> m:service "api" {}
return m
LUA
expect_fail "rate beside users is refused" 2 'client "users": rate is for open arrivals' run both.lua

cat > badmix.lua <<'LUA'
local dk = require "designkit"
local m = dk.model "bad"
local t = dk.mixture { { 1, dk.exp "1ms" }, { -2, "5ms" } }
return m
LUA
expect_fail "a negative weight names the part" 2 "part 2: weight must be a non-negative number" run badmix.lua
check "and the line" err_has "badmix.lua:3:"

sed 's/"probs":[[:space:]]*\[[^]]*\]/"probs": [0.5, 0.7]/' closed.json > badh2.json
expect_fail "bad JSON probabilities name the path" 2 "components[1] (service \"api\"): time: parts[1]: hyperexponential: probabilities must sum to 1" run badh2.json

finish
