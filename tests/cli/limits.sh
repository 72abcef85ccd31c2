# limits.sh - --max-time, --max-memory, --max-instructions and SIGINT/SIGTERM (docs/security.md,
# Limits): every command that runs a script takes the flags; a flag beats DESIGNKIT_MAX_MEMORY,
# which beats the safe mode's defaults; --unsafe has none; a signal ends a run with 130 or 143,
# leaving no output and no temporary file. The hostile scripts themselves (tests/hostile/limit_*)
# run in hostile.sh.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

ROOT=$(cd "$ROOT" && pwd)
cd "$TMP" || exit 1
cat >spin.lua <<'EOF'
while true do end
EOF
cat >grow.lua <<'EOF'
local t = {}
for i = 1, math.huge do t[i] = { i } end
EOF
cat >big_string.lua <<'EOF'
local s = string.rep("x", (1 << 31) - 1)
print(#s)
EOF
# 10^7 requests a second for 1000 hours: hours of work for the simulator, none of it in Lua.
cat >busy.lua <<'EOF'
local dk = require "designkit"
local m = dk.model "busy"
local users = m:client "users" { rate = 1e7 }
local api = m:service "api" { workers = 100, time = dk.exp "1us" }
m:links { users >> api }
return m
EOF
cat >spin_spec.lua <<'EOF'
describe("a spec", function()
  it("loops", function() while true do end end)
end)
EOF
cat >backtrack.lua <<'EOF'
print(string.rep("a", 5000):find(string.rep("a-", 12) .. "b"))
EOF

no_leftovers() { [ -z "$(find "$TMP" -name '*.tmp.*')" ]; }

# ---- every command that runs a script takes the flags

for c in run check draw export test; do
    dk "$c" --help
    check "$c --help names the three limits" test -n "$(printf '%s' "$OUT" | grep -e '--max-time DURATION')" -a -n "$(printf '%s' "$OUT" | grep -e '--max-memory SIZE')" -a -n "$(printf '%s' "$OUT" | grep -e '--max-instructions N')"
done
dk --help
check "designkit --help names them for plain scripts" out_has "--max-time DURATION, --max-memory SIZE, --max-instructions N"
DEFAULTS=$(printf '%s' "$OUT" | sed -n 's/.*(defaults \([^,]*\), \([^,]*\), \([^;]*\);.*/\1 \2 \3/p')
read -r DEFAULT_TIME DEFAULT_MEMORY DEFAULT_INSTRUCTIONS <<<"$DEFAULTS"
check "and their defaults" test -n "$DEFAULT_TIME" -a -n "$DEFAULT_MEMORY" -a -n "$DEFAULT_INSTRUCTIONS"

INSTR='stopped after 1000000 Lua instructions: the instruction limit (--max-instructions 1e6; raise it with --max-instructions 10000000 or --max-instructions none)'
expect_fail "run: the instruction limit" 2 "designkit: spin.lua:1: $INSTR" run spin.lua --max-instructions 1e6
expect_fail "check takes it" 2 "designkit: spin.lua:1: $INSTR" check spin.lua --max-instructions 1e6
dk draw spin.lua -o spin.svg --max-instructions 1e6
check "draw takes it, and draws nothing" test "$RC" -eq 2 -a ! -e spin.svg
dk export spin.lua -o spin.json --max-instructions=1e6
check "export takes it (as --flag=value too), and writes nothing" test "$RC" -eq 2 -a ! -e spin.json
expect_fail "test takes it, inside an it block" 2 "designkit: spin_spec.lua:2: $INSTR" test spin_spec.lua --max-instructions 1e6
expect_fail "a plain script takes it before its name" 2 "designkit: spin.lua:1: $INSTR" --max-instructions 1e6 spin.lua
expect_fail "a global flag before a command applies to it" 2 "designkit: spin.lua:1: $INSTR" --max-instructions 1e6 run spin.lua

# ---- the time limit covers the whole command; the simulator and C code stop too

start=$(date +%s%N)
dk run busy.lua --for 1000h --max-time 1s --json report.json
took=$((($(date +%s%N) - start) / 1000000))
check "a long simulation stops at --max-time: exit 2" rc_is 2
check "naming the limit and how to raise it" err_has "designkit: busy.lua: stopped after 1s: the time limit (--max-time 1s; raise it with --max-time 6s or --max-time none)"
check "within a second of the limit ($took ms)" test "$took" -lt 3000
check "with no report, no JSON and no temporary file" test -z "$OUT" -a ! -e report.json
check "no temporary file" no_leftovers
cat >handler_spin.lua <<'EOF'
local dk = require "designkit"
local m = dk.model "spin"
local users = m:client "users" { rate = 10 }
local api = m:service "api" {}
m:links { users >> api }
api:on("request", function(req) while true do end end)
return m
EOF
dk run handler_spin.lua --max-time 1s --max-instructions none --json spin.json
check "a handler's loop with no count hook is ended from outside too: exit 2" test "$RC" -eq 2 -a ! -e spin.json
check "naming the time limit" err_has "designkit: handler_spin.lua: stopped after 1s: the time limit"
dk --max-time 1s backtrack.lua
check "a pattern match stuck in C is ended from outside after a grace: exit 2" test "$RC" -eq 2
check "with the same message" err_has "designkit: backtrack.lua: stopped after 1s: the time limit"
expect_fail "a bad duration is bad input naming the flag" 2 "run: --max-time: invalid duration" run busy.lua --max-time soon
expect_fail "zero is refused, none is the way to say no limit" 2 "--max-time: must be a positive duration, or none (got 0s)" run busy.lua --max-time 0s
expect_fail "a bad size" 2 "--max-memory: invalid size" run busy.lua --max-memory lots
expect_fail "a bad count" 2 "--max-instructions: must be a whole number above 0 (1000000, 1e9), or none (got 1.5)" run busy.lua --max-instructions 1.5
dk run busy.lua --for 1ms --max-time none --max-memory none --max-instructions none --quiet
check "none lifts each limit" rc_is 0

# ---- memory: the flag, then DESIGNKIT_MAX_MEMORY, then the default; --unsafe has no default

dk run "$ROOT/tests/cli/fixtures/simple.lua" --max-memory 1KiB --json simple.json
check "a limit below what is held already stops at once" test "$RC" -eq 2 -a -z "$OUT" -a ! -e simple.json
check "naming it" err_has "simple.lua: stopped at 1KiB: the memory limit (--max-memory 1KiB; raise it with --max-memory 4KiB or --max-memory none)"
DESIGNKIT_MAX_MEMORY=1GiB dk --max-memory 16MiB grow.lua
check "the flag beats DESIGNKIT_MAX_MEMORY" err_has "designkit: grow.lua: stopped at 16MiB: the memory limit (--max-memory 16MiB; raise it with --max-memory 64MiB or --max-memory none)"
DESIGNKIT_MAX_MEMORY=16MiB dk --unsafe grow.lua
check "DESIGNKIT_MAX_MEMORY holds under --unsafe too, and is named" test "$RC" -eq 2 -a -n "$(printf '%s' "$ERR" | grep -F '(DESIGNKIT_MAX_MEMORY=16MiB; raise it with --max-memory 64MiB or --max-memory none)')"
dk big_string.lua
check "the default memory limit holds in safe mode" test "$RC" -eq 2 -a -z "$OUT"
check "and says it is the default" err_has "stopped at $DEFAULT_MEMORY: the memory limit (--max-memory $DEFAULT_MEMORY, the default in safe mode;"
# Allocating past the default would take a minute under the sanitizers: ask the host instead
# (its module is out of a sandboxed script's reach, not of an unsafe one's).
cat >ask.lua <<'EOF'
print(require("designkit.limits").memory() or "no limit")
EOF
dk --unsafe ask.lua
check "--unsafe has no default limit" test "$RC" -eq 0 -a "$OUT" = "no limit"
DESIGNKIT_MAX_MEMORY=3GiB dk --unsafe ask.lua
check "but DESIGNKIT_MAX_MEMORY still counts" test "$RC" -eq 0 -a "$OUT" = 3GiB

# ---- signals: 130 and 143, one line, nothing left behind

timeout --preserve-status -s INT 1 "$DK" run busy.lua --for 1000h --json report.json >"$TMP/.stdout" 2>"$TMP/.stderr"
RC=$?
ERR=$(cat "$TMP/.stderr")
check "SIGINT ends a long run with 130" rc_is 130
check "saying so in one line" test "$ERR" = "designkit: busy.lua: interrupted (SIGINT)"
check "with no JSON and no temporary file" test ! -e report.json
check "and no temporary file" no_leftovers
timeout --preserve-status -s TERM 1 "$DK" draw busy.lua --after-run --for 1000h -o busy.svg >"$TMP/.stdout" 2>"$TMP/.stderr"
RC=$?
ERR=$(cat "$TMP/.stderr")
check "SIGTERM ends it with 143" rc_is 143
check "saying so" test "$ERR" = "designkit: busy.lua: terminated (SIGTERM)"
check "with no drawing" test ! -e busy.svg
check "and no temporary file" no_leftovers
timeout --preserve-status -s INT 1 "$DK" --unsafe spin.lua 2>"$TMP/.stderr"
RC=$?
check "SIGINT stops Lua with no limit set (--unsafe)" test "$RC" -eq 130 -a "$(cat "$TMP/.stderr")" = "designkit: spin.lua:1: interrupted (SIGINT)"
"$DK" --unsafe backtrack.lua 2>"$TMP/.stderr" &
pid=$!
sleep 0.5
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
start=$(date +%s%N)
wait "$pid"
RC=$?
took=$((($(date +%s%N) - start) / 1000000))
check "a second SIGINT ends a command stuck in C at once ($took ms)" test "$RC" -eq 130 -a "$took" -lt 1500
check "with the message" test "$(cat "$TMP/.stderr")" = "designkit: backtrack.lua: interrupted (SIGINT)"

# ---- a big legitimate design runs under the defaults: 10^5 services and as many databases,
# built, checked, run for 10^5 requests (--unsafe for the benchmark's clock and temporary file)
# (10^4 under the sanitizers, where 10^5 takes minutes.)
N=${DK_LIMITS_SCALE_N:-100000}
[ -z "${ASAN_OPTIONS:-}" ] || N=${DK_LIMITS_SCALE_N:-10000}
dk --unsafe --max-time "$DEFAULT_TIME" --max-memory "$DEFAULT_MEMORY" --max-instructions "$DEFAULT_INSTRUCTIONS" "$ROOT/tests/bench/scale_design.lua" "$N" 100000
check "tests/bench/scale_design.lua ($N services) fits the defaults" test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep "components $((2 * N + 2))")"

finish
