# draw_nested.sh - `designkit draw --after-run` on designs with nested groups (issue 6): it
# draws instead of aborting in Graphviz, keeps the layout of the drawing before the run,
# colours what went wrong, explains its colours in a legend, and puts no percentile on an idle
# link. The figures are checked against the JSON report of the same run.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

ORDER=$FIX/svg_order.py
CORPUS=$ROOT/tests/fuzz/corpus/model_json/nested_groups.json

# ---- the double free: a region holding a zone, with the balancer and the cache inside it ----
# The figures on the edges change with the run's length, and so did where Graphviz's heap broke
# (a segfault at 1s, an abort at 3s): several lengths, and the same design read from JSON.
for t in 1s 3s 10s; do
    dk draw "$FIX/nested_groups.lua" --after-run --for "$t" -o "$TMP/nested-$t.svg"
    check "nested groups draw after a ${t} run (exit 0, not 134)" rc_is 0
    check "and the drawing is complete" grep -q "</svg>" "$TMP/nested-$t.svg"
done
dk draw "$CORPUS" --after-run --for 1s -o "$TMP/nested-json.svg"
check "the fuzz corpus's copy of the design draws after a run too" rc_is 0
dk draw "$FIX/nested_groups.lua" -o "$TMP/nested.svg"
check "and draws before one" rc_is 0

# ---- the layout is kept: same clusters and nodes, in the same order ----
same_layout() { # DESIGN: the drawings before and after a run list nodes and clusters alike
    dk draw "$1" -o "$TMP/before.svg" &&
        dk draw "$1" --after-run --for 2s -o "$TMP/after.svg" || return 1
    before=$(/usr/bin/python3 "$ORDER" "$TMP/before.svg") || return 1
    after=$(/usr/bin/python3 "$ORDER" "$TMP/after.svg") || return 1
    [ "$before" = "$after" ] || { OUT="before: $before
after:  $after"; return 1; }
}
clusters_in() { /usr/bin/python3 "$ORDER" "$1" | sed -n 's/^clusters: //p' | wc -w; }
nodes_in() { /usr/bin/python3 "$ORDER" "$1" | sed -n 's/^nodes: //p' | wc -w; }
check "nested groups: the run keeps the layout" same_layout "$FIX/nested_groups.lua"
check "which has 2 clusters" test "$(clusters_in "$TMP/after.svg")" -eq 2
check "and 8 nodes" test "$(nodes_in "$TMP/after.svg")" -eq 8
check "two regions: the run keeps the order of the region boxes" same_layout "$FIX/two_regions.lua"
check "which has 2 clusters" test "$(clusters_in "$TMP/after.svg")" -eq 2
check "the url shortener keeps its layout" same_layout "$ROOT/models/hld/url_shortener.lua"

# The DOT text, one statement per line; the statement of a node, of an edge; a statement holds.
flat() { tr -d '\n\t' <"$1" | sed 's/\]/]\n/g'; }
node_in() { flat "$1" | grep -E "(^|[{};]) *\"?$2\"? *\["; }
edge_in() { flat "$1" | grep -E "(^|[{};]) *\"?$2\"? -> \"?$3\"? *\["; }
holds() { printf '%s' "$1" | grep -qF -- "$2"; }

# ---- idle links: a rate, no percentile ----
dk draw "$FIX/nested_groups.lua" --after-run --for 3s -o "$TMP/nested.dot"
for e in "api orders" "orders sessions" "api archive"; do
    check "${e% *} -> ${e#* } carried nothing: 0/s, no p99" \
        holds "$(edge_in "$TMP/nested.dot" $e)" 'label="0/s"'
done
check "no idle link shows a percentile" test -z "$(grep -E 'label="0/s[^"]*p99' "$TMP/nested.dot")"
check "a busy link does" holds "$(edge_in "$TMP/nested.dot" lb api)" ' · p99 '

# ---- errors and utilisation, against the JSON report of the same run ----
dk run "$FIX/overload.lua" --for 5s --seed 3 --json "$TMP/overload.json"
check "the overloaded design runs and fails its availability (exit 1)" rc_is 1
dk draw "$FIX/overload.lua" --after-run --for 5s --seed 3 -o "$TMP/overload.dot"
check "and draws after the run" rc_is 0
# expected NAME: three lines from the JSON report: "util N%", the errors line ("" when none),
# the fill of the utilisation band
expected() {
    /usr/bin/python3 - "$TMP/overload.json" "$1" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
c = next(c for c in report["components"] if c["name"] == sys.argv[2])
bands = [(0.5, "#a6d96a"), (0.8, "#ffe066"), (0.95, "#fdae61"), (float("inf"), "#f46d43")]
u = c["utilisation"]
share = (c["rejected"] + c["failed"]) / c["arrivals"] if c["arrivals"] else 0
print("util %.0f%%" % (u * 100))
print("" if share == 0 else "errors " + ("<1%" if share * 100 < 0.5 else "%.0f%%" % (share * 100)))
print(next(colour for limit, colour in bands if u < limit))
PY
}
{ read -r util; read -r errors; read -r fill; } < <(expected api)
api=$(node_in "$TMP/overload.dot" api)
check "api lost calls (the fixture works)" test -n "$errors"
check "api's utilisation is the report's ($util)" holds "$api" "\\n$util"
check "api's share of errors is the report's ($errors)" holds "$api" "\\n$errors\""
check "api is filled with its utilisation band ($fill)" holds "$api" "fillcolor=\"$fill\""
check "api is outlined in red" holds "$api" 'color="#d7191c"'
check "thick" holds "$api" 'penwidth=3'
{ read -r util; read -r errors; read -r fill; } < <(expected db)
db=$(node_in "$TMP/overload.dot" db)
check "db lost nothing" test -z "$errors"
check "and is not outlined" sh -c '! printf "%s" "$1" | grep -qF "#d7191c"' - "$db"
check "db's utilisation is the report's ($util)" holds "$db" "\\n$util"
check "the busiest link is the widest" holds "$(edge_in "$TMP/overload.dot" users api)" 'penwidth=4.00'
spare=$(edge_in "$TMP/overload.dot" api spare)
check "the idle link is grey" holds "$spare" 'color="#9e9e9e"'
check "with its rate and no p99" holds "$spare" 'label="0/s"'

# ---- the legend ----
dk draw "$FIX/overload.lua" --after-run --for 5s -o "$TMP/overload.svg"
for words in utilisation "red outline" "no traffic" "p99 of the callee"; do
    check "the legend explains: $words" grep -qF "$words" "$TMP/overload.svg"
done
for colour in "#a6d96a" "#ffe066" "#fdae61" "#f46d43"; do
    check "the legend shows the band $colour" grep -qF "fill=\"$colour\"" "$TMP/overload.svg"
done
dk draw "$FIX/overload.lua" -o "$TMP/static.svg"
check "a drawing without a run has no legend" sh -c '! grep -qF "red outline" "$1"' - "$TMP/static.svg"
check "and keeps its title" grep -qF ">overload</text>" "$TMP/static.svg"
check "the legend carries the title" grep -qF ">overload</text>" "$TMP/overload.svg"
check "and says nothing of dashes when no link is asynchronous" \
    sh -c '! grep -qF "does not wait" "$1"' - "$TMP/overload.svg"
cat >"$TMP/async.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "async"
local users = m:client "users" { rate = 50 }
local api = m:service "api" { time = dk.exp "1ms" }
local audit = m:service "audit" { time = dk.exp "1ms" }
m:link(users, api)
m:link(api, audit, { async = true })
return m
LUA
dk draw "$TMP/async.lua" --after-run --for 1s -o "$TMP/async.svg"
check "with an asynchronous link it explains the dashes" grep -qF "dashed: the caller does not wait" "$TMP/async.svg"

finish
