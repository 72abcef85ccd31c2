# lld_errors.sh - the Splitwise and snakes-and-ladders blocks from the command line: bad input in
# a script exits 2 with "designkit: FILE:LINE: message" naming the field; good scripts exit 0.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1

cat >last_square.lua <<'LUA'
local dk = require "designkit"
local b = dk.snakes.board { size = 100, snakes = { [100] = 5 } }
LUA
expect_fail "a snake on the last square" 2 "last_square.lua:2: board: snake 100 -> 5 starts on the last square" last_square.lua
check "and starts with designkit:" err_matches "^designkit: last_square.lua:2:"
check "and has no traceback" test "$(printf '%s' "$ERR" | grep -c traceback)" -eq 0

cat >zero_size.lua <<'LUA'
local dk = require "designkit"
dk.snakes.board { size = 0 }
LUA
expect_fail "a board of size 0" 2 "zero_size.lua:2: board: size must be between 2 and 1000 squares (got 0)" zero_size.lua

cat >percent.lua <<'LUA'
local dk = require "designkit"
local l = dk.splitwise.ledger()
l:add_user "ann" :add_user "bob"
l:expense { payer = "ann", amount = 1000, split = "percent",
            shares = { ann = 60, bob = 30 } }
LUA
expect_fail "percentages that do not sum to 100" 2 "percent.lua:4: expense: percentages sum to 90.00%, not 100%" percent.lua

cat >unknown_user.lua <<'LUA'
local dk = require "designkit"
local l = dk.splitwise.ledger()
l:add_user "ann"
l:settle("ann", "bob", 100)
LUA
expect_fail "an unknown user" 2 'unknown_user.lua:4: settle: payee "bob" is not a user' unknown_user.lua

cat >zero_share.lua <<'LUA'
local dk = require "designkit"
local l = dk.splitwise.ledger()
l:add_user "ann" :add_user "bob"
l:expense { payer = "ann", amount = 10, split = "shares", shares = { ann = 1, bob = 0 } }
LUA
expect_fail "a share of zero" 2 'zero_share.lua:4: expense: share of "bob" must be a positive integer' zero_share.lua

cat >too_many.lua <<'LUA'
local dk = require "designkit"
local b = {}
for i = 1, 25 do b["p" .. i] = i < 25 and 1 or -24 end
dk.splitwise.simplify(b, { exact = true })
LUA
expect_fail "exact simplification past its limit" 2 "too_many.lua:4: simplify: exact simplification handles at most 20 non-zero balances (got 25)" too_many.lua

dk "$ROOT/examples/splitwise.lua"
check "the splitwise example runs" rc_is 0
check "and prints the published 4-versus-5" out_has "a..f: greedy 5, exact 4"
dk "$ROOT/examples/snakes.lua"
check "the snakes example runs" rc_is 0
check "and prints the published 39.2251" out_has "exact     39.2251"

finish
