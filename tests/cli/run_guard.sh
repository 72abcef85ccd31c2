# run_guard.sh - run refuses a design with check errors unless --force (exit 1, the findings
# printed as check prints them, nothing written); check --strict fails on warnings too.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

# noroute.lua: a balancer with no backend, an error for check (with a spof warning, and maybe
# other errors: what users send goes nowhere).
dk check noroute.lua
FINDINGS=$OUT
check "check finds the error" rc_is 1

dk run noroute.lua --for 1s --json "$TMP/report.json"
check "run refuses a design with check errors: exit 1" rc_is 1
check "prints check's findings on stderr, word for word" test "$(printf '%s' "$ERR" | head -n -1)" = "$FINDINGS"
check "then says why it did not run and how to force it" err_matches "^designkit: run: check found [0-9]+ errors? \(above\); fix (it|them), or run anyway with --force$"
check "prints no report" test -z "$OUT"
check "and writes no --json file" test ! -e "$TMP/report.json"

dk run noroute.lua --for 1s --json -
check "with --json - it prints no JSON either" test "$RC" -eq 1 -a -z "$OUT"
dk run noroute.lua --for 1s --quiet
check "--quiet still says why" test "$RC" -eq 1 -a -n "$(printf '%s' "$ERR" | grep 'no-route')"

dk run noroute.lua --for 1s --force --json "$TMP/forced.json"
check "--force runs it as before" rc_is 0
check "and writes the report" is_json "$TMP/forced.json"
check "without printing the findings" test -z "$(printf '%s' "$ERR" | grep 'no-route')"
check "the report shows the run" out_has "noroute: 1s simulated"

dk export noroute.lua -o "$TMP/noroute.json"
dk run "$TMP/noroute.json" --for 1s
check "a JSON design with check errors is refused too" test "$RC" -eq 1 -a -n "$(printf '%s' "$ERR" | grep 'balancer "lb" has no backend')"

dk run warned.lua --for 1s --quiet
check "warnings alone do not stop a run" rc_is 0

dk draw noroute.lua --after-run --for 1s -o "$TMP/after.svg"
check "draw --after-run refuses it as run does" test "$RC" -eq 1 -a ! -e "$TMP/after.svg"
check "naming the command" err_has "designkit: draw: check found"
dk draw noroute.lua --after-run --force --for 1s -o "$TMP/after.svg"
check "draw --after-run --force draws it" test "$RC" -eq 0 -a -s "$TMP/after.svg"
dk draw noroute.lua -o "$TMP/plain.svg"
check "a drawing without a run is never refused" test "$RC" -eq 0 -a -s "$TMP/plain.svg"

# check --strict: warnings fail too; info findings and no findings do not.
dk check warned.lua
check "check passes a design with only warnings" test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep '0 errors, 1 warning')"
dk check warned.lua --strict
check "check --strict fails it: exit 1" rc_is 1
check "with the same findings" out_has "0 errors, 1 warning"
dk check --strict handler.lua
check "check --strict passes a design with no findings" test "$RC" -eq 0 -a "$OUT" = "no findings"
dk check noroute.lua --strict --json
check "check --strict --json fails on errors as well" rc_is 1
check "and still prints the findings as JSON" is_json "$TMP/.stdout"
dk check warned.lua --strict --json
check "and on warnings" rc_is 1

dk run --help
check "run --help lists --force" out_has "--force"
dk check --help
check "check --help lists --strict" out_has "--strict"

finish
