# link_options.sh - options on links end to end: the diagram labels a link with its weight and
# resilience (and draws no box for the link's guard), the same every time; export writes the
# options and run reads them back to the same numbers; the report names each link's guard
# "from>to" of kind link; bad options in JSON and in a script exit 2 naming the link.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

dk draw link_options.lua -o "$TMP/a.dot"
check "draw exits 0" rc_is 0
dk draw link_options.lua -o "$TMP/b.dot"
check "the DOT output is the same every time" cmp -s "$TMP/a.dot" "$TMP/b.dot"
check "a weighted link is labelled with its weight" grep -qF 'lb -> a	[label="weight 3"]' "$TMP/a.dot"
check "a resilient link with its retries, timeout and breaker" \
    grep -qF 'a -> db	[label="retry×4, timeout 500ms, breaker"]' "$TMP/a.dot"
check "no node is drawn for a link's guard" test -z "$(grep -F 'a>db' "$TMP/a.dot")"

dk run link_options.lua --for 4s --seed 3 --json "$TMP/run.json"
check "run exits 0" rc_is 0
check "the report shows the link's guard under its name, of kind link" out_matches '^a>db +link '
check "and in the resilience table" out_matches '^b>db +[0-9]+ +[0-9]+ +[0-9]+'
dk export link_options.lua -o "$TMP/design.json"
check "export exits 0" rc_is 0
check "export writes the options as scripts write them" \
    /usr/bin/python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["links"]; assert l[1]["weight"] == 3 and l[3]["retry"] == {"attempts": 4} and l[3]["breaker"] == {"window": 20} and l[3]["timeout"] == 5e8, l' "$TMP/design.json"
dk run "$TMP/design.json" --for 4s --seed 3 --json "$TMP/again.json"
check "the export runs" rc_is 0
check "to the same numbers" /usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["components"] == b["components"], "components differ"' "$TMP/run.json" "$TMP/again.json"

/usr/bin/python3 - "$TMP/design.json" "$TMP/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["links"][1]["weight"] = -2
json.dump(d, open(sys.argv[2], "w"))
PY
expect_fail "a negative weight in JSON: exit 2, the link and the option named" 2 \
    'bad.json: links[1] ("lb" -> "a"): weight must be positive (got -2)' run "$TMP/bad.json"
/usr/bin/python3 - "$TMP/design.json" "$TMP/bad2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["links"][3]["breaker"]["windw"] = 5
json.dump(d, open(sys.argv[2], "w"))
PY
expect_fail "an unknown key in a group: exit 2 with the nearest one" 2 \
    'links[3] ("a" -> "db"): breaker: unknown key "windw"; did you mean "window"?' run "$TMP/bad2.json"

cat > "$TMP/bad.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "bad"
local lb = m:balancer "lb" {}
local api = m:service "api" {}
m:link(lb, api, { weight = -1 })
return m
LUA
expect_fail "a negative weight in a script: exit 2 at its line" 2 \
    'bad.lua:5: link "lb" >> "api": weight must be positive (got -1)' run "$TMP/bad.lua"

finish
