# routing.sh - routing by class end to end: a class goes only where a route or handler for it
# exists (counts read from the JSON report, compared with the classes' own counts); a class
# nothing routes is a check error naming client and class, and fails at run time; a balancer in
# front of a replicated service is not a single backend.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

# py EXPR FILE: evaluates EXPR with the JSON document of FILE as `d`; succeeds when it is true.
py() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[2]))
comp = {c["name"]: c for c in d["components"]} if isinstance(d, dict) else {}
cls = {c["name"]: c for c in d["classes"]} if isinstance(d, dict) else {}
sys.exit(0 if eval(sys.argv[1]) else 1)
PY
}

dk check routing_unrouted.lua
check "a class nothing routes: check exits 1" rc_is 1
check "the finding is an error of rule unrouted-class on the client" \
    out_matches '^error +unrouted-class +users +client "users" sends class "audit", which nothing it sends to has a route for'
check "it is the only finding" out_has "1 error, 0 warnings"
dk check routing_unrouted.lua --json
printf '%s' "$OUT" >"$TMP/findings.json"
check "check --json names rule, client and class" \
    py 'len(d) == 1 and d[0]["rule"] == "unrouted-class" and d[0]["component"] == "users" and "\"audit\"" in d[0]["message"] and d[0]["severity"] == "error"' "$TMP/findings.json"

dk run routing_unrouted.lua --for 5s --force --json "$TMP/unrouted.json"
check "run --force runs it" rc_is 0
check "every audit request failed, none completed" \
    py 'cls["audit"]["created"] > 0 and cls["audit"]["failed"] == cls["audit"]["created"] and cls["audit"]["completed"] == 0' "$TMP/unrouted.json"
check "failed at the client, sent nowhere" \
    py 'comp["users"]["failed"] == cls["audit"]["created"] and comp["lb"]["arrivals"] == cls["read"]["created"] + cls["write"]["created"]' "$TMP/unrouted.json"
check "reader receives exactly the reads" \
    py 'comp["reader"]["arrivals"] == cls["read"]["created"]' "$TMP/unrouted.json"
check "writer receives exactly the writes" \
    py 'comp["writer"]["arrivals"] == cls["write"]["created"]' "$TMP/unrouted.json"

# The example of the docs: no findings, and each service gets only its class.
dk check "$ROOT/examples/routing.lua"
check "examples/routing.lua has no findings" test "$RC" -eq 0 -a "$OUT" = "no findings"
dk run "$ROOT/examples/routing.lua" --for 5s --json "$TMP/routing.json"
check "examples/routing.lua runs" rc_is 0
check "its reader serves the reads and its writer the writes, nothing else" \
    py 'comp["reader"]["arrivals"] == cls["read"]["created"] and comp["writer"]["arrivals"] == cls["write"]["created"] and cls["write"]["created"] > 0' "$TMP/routing.json"

dk check routing_replicas.lua
check "a balancer in front of three replicas: check passes" rc_is 0
check "with no single-backend warning" test -z "$(printf '%s' "$OUT" | grep single-backend)"

finish
