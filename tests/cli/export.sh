# export.sh - `designkit export`: the JSON round trip and the warning for Lua handlers.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

dk export "$FIX/simple.lua" -o "$TMP/simple.json"
check "export exits 0" rc_is 0
check "export writes valid JSON" is_json "$TMP/simple.json"
check "a design without Lua handlers exports without warnings" test -z "$ERR"

dk export "$TMP/simple.json" -o "$TMP/again.json"
check "the export of the export exits 0" rc_is 0
check "reads back to the same model (same JSON)" cmp -s "$TMP/simple.json" "$TMP/again.json"

dk export "$FIX/simple.lua" -o "$TMP/simple2.json"
check "export is deterministic" cmp -s "$TMP/simple.json" "$TMP/simple2.json"

dk draw "$FIX/simple.lua" -o "$TMP/from-lua.dot"
dk draw "$TMP/simple.json" -o "$TMP/from-json.dot"
check "the JSON draws like the script" cmp -s "$TMP/from-lua.dot" "$TMP/from-json.dot"

dk export "$FIX/handler.lua" -o "$TMP/handler.json"
check "a design with a Lua handler still exports" rc_is 0
check "with a warning naming what was left out" err_matches "^designkit: warning: left out .*api"
check "the export is valid JSON" is_json "$TMP/handler.json"

expect_fail "export without -o exits 2" 2 "-o" export "$FIX/simple.lua"
expect_fail "export to a non-.json name exits 2" 2 "out.xml" export "$FIX/simple.lua" -o "$TMP/out.xml"
expect_fail "export to a missing folder exits 2" 2 "cannot write" export "$FIX/simple.lua" -o "$TMP/no/such/x.json"
check "and leaves nothing" test ! -e "$TMP/no"

finish
