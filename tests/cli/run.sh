# run.sh - `designkit run`: the report, --json, determinism, seeds, the JSON round trip.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

dk run "$FIX/simple.lua" --for 10s
check "run exits 0 when every expectation holds" rc_is 0
check "report names the model, time and seed" out_has "simple: 10s simulated, seed 1"
check "report has the component table" out_matches "component +kind +arrivals +throughput +util +held +queue +hits +p50 +p99"
check "report lists each component" out_matches "^api +service"
check "report lists the cache with a hit ratio" out_matches "cache +cache .*%"
check "report has the end-to-end table" out_matches "end to end +count +throughput +avail +mean +p50 +p90 +p99 +p99.9"
check "report has a row per class" out_matches "^read +[0-9]+"
check "report shows the expectations" out_has "PASS"
check "nothing on stderr when it is not a terminal" test -z "$ERR"
check "no colour codes with NO_COLOR" test "$(printf '%s' "$OUT" | grep -c $'\033')" -eq 0

dk run "$FIX/simple.lua" --for 10s --seed 7 --json "$TMP/a.json"
check "run --json exits 0" rc_is 0
check "run --json writes a file" test -s "$TMP/a.json"
check "the JSON is valid" is_json "$TMP/a.json"
check "run --json still prints the report" out_has "simple: 10s simulated, seed 7"
check "no temporary file left beside the JSON" test "$(ls "$TMP" | grep -c tmp)" -eq 0

dk run "$FIX/simple.lua" --for 10s --seed 7 --json "$TMP/b.json"
check "the same seed gives the same JSON, byte for byte" cmp -s "$TMP/a.json" "$TMP/b.json"
dk run "$FIX/simple.lua" --for=10s --seed=8 --json="$TMP/c.json"
check "--opt=value forms are accepted" rc_is 0
check "a different seed gives different JSON" test -s "$TMP/c.json" -a -n "$(cmp "$TMP/a.json" "$TMP/c.json" 2>&1)"

dk run "$FIX/simple.lua" --for 10s --seed 7 --json -
check "--json - prints the JSON instead of the report" cmp -s "$TMP/.stdout" "$TMP/a.json"

dk run "$FIX/simple.lua" --for 10s --quiet
check "--quiet prints nothing" test -z "$OUT$ERR"

dk run "$FIX/simple.lua" --requests 100 --json "$TMP/r.json"
check "--requests stops the run" rc_is 0

dk run "$FIX/failing.lua" --for 5s
check "a failed expectation exits 1" rc_is 1
check "a failed expectation prints FAIL" out_has "FAIL"
check "the closing line counts the failure" out_matches "1 expectation: 0 passed, 1 failed"

dk export "$FIX/simple.lua" -o "$TMP/simple.json"
check "export for the round trip" rc_is 0
dk run "$FIX/simple.lua" --for 10s --seed 3 --json "$TMP/from-lua.json"
dk run "$TMP/simple.json" --for 10s --seed 3 --json "$TMP/from-json.json"
check "a run of the exported JSON exits 0" rc_is 0
check "the exported JSON runs to the same result as the script" cmp -s "$TMP/from-lua.json" "$TMP/from-json.json"
dk run "$FIX/simple.lua" --for 10s --seed 3
lua_report=$OUT
dk run "$TMP/simple.json" --for 10s --seed 3
check "and prints the same report" test "$lua_report" = "$OUT"

if [ -f "$ROOT/models/hld/url_shortener.lua" ]; then
    dk run "$ROOT/models/hld/url_shortener.lua" --for 5s --json "$TMP/url.json"
    check "the URL shortener model runs" test "$RC" -le 1 -a -s "$TMP/url.json"
fi

finish
