# check.sh - `designkit check`: findings as text and JSON, exit 1 on an error finding.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

dk check "$FIX/simple.lua"
check "a healthy design exits 0" rc_is 0
check "and says so or lists only warnings" out_matches "no findings|0 errors"

dk check "$FIX/noroute.lua"
check "an error finding exits 1" rc_is 1
check "the finding reads: severity, rule, component, message" out_matches "^error +no-route +lb +balancer \"lb\" has no backend"
check "the hint follows on its own line" out_matches "
  hint: "
check "a closing count" out_matches "[1-9][0-9]* errors?, [0-9]+ warnings?"

dk check "$FIX/noroute.lua" --json
check "check --json exits 1 on an error too" rc_is 1
printf '%s' "$OUT" >"$TMP/findings.json"
check "check --json prints valid JSON" is_json "$TMP/findings.json"
check "the JSON carries rule, severity, component, message, hint" \
    /usr/bin/python3 -c 'import json,sys
f = json.load(open(sys.argv[1]))
assert isinstance(f, list) and f, f
e = [x for x in f if x["severity"] == "error"][0]
assert e["rule"] == "no-route" and e["component"] == "lb", e
assert e["message"] and e["hint"], e' "$TMP/findings.json"

dk check "$FIX/simple.lua" --json
printf '%s' "$OUT" >"$TMP/none.json"
check "check --json on a healthy design is valid JSON" is_json "$TMP/none.json"

dk export "$FIX/noroute.lua" -o "$TMP/noroute.json"
dk check "$TMP/noroute.json"
check "check reads an exported JSON design" rc_is 1
check "with the same finding" out_has "no-route"

finish
