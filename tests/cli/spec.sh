# spec.sh - `designkit test`: the spec runner's closing line and exit codes.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1

dk test "$FIX/passing_spec.lua"
check "passing specs exit 0" rc_is 0
check "the closing line counts them" out_has "2 passed, 0 failed"

dk test "$FIX/failing_spec.lua"
check "a failing spec exits 1" rc_is 1
check "the failure is named" out_has "does not hold"
check "the closing line counts it" out_has "1 passed, 1 failed"

dk test "$FIX/passing_spec.lua" "$FIX/failing_spec.lua"
check "several files at once" out_has "3 passed, 1 failed"

expect_fail "a missing spec file exits 2" 2 "cannot open missing_spec.lua" test missing_spec.lua
expect_fail "no spec file exits 2" 2 "which spec files?" test

printf 'it("runs sandboxed", function() os.execute("true") end)\n' >"$TMP/exec_spec.lua"
dk test "$TMP/exec_spec.lua"
check "specs run in the sandbox" test "$RC" -eq 1 -a -n "$(printf '%s' "$OUT" | grep 'os.execute is not allowed')"
dk test --unsafe "$TMP/exec_spec.lua"
check "unless --unsafe" rc_is 0

finish
