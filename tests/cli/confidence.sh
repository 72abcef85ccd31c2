# confidence.sh - `designkit run --warmup` and `--replications`: the report's intervals (text
# and JSON, the JSON against its schema), the figures left out by the warm-up, bad input.
set -u
. "$(dirname "$0")/fixtures/lib.bash"
PY=/usr/bin/python3
MM1=$FIX/mm1.lua

# A JSON field, by a Python expression over `d`.
field() { "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
valid() {
    "$PY" -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
        "$ROOT/schemas/report.schema.json" "$1"
}

dk run "$MM1" --for 10s
check "a plain run exits 0" rc_is 0
check "its mean latency has a batch-means half-width" out_matches "^request .*[0-9.]+ms ± [0-9.]+"
check "no warm-up, no warm-up note" out_has "mm1: 10s simulated, seed 1"

dk run "$MM1" --for 10s --warmup 2s --json "$TMP/w.json"
check "--warmup exits 0" rc_is 0
check "the header names the warm-up" out_has "10s simulated (the first 2s warm-up, not counted)"
check "the JSON has the warm-up" test "$(field "$TMP/w.json" 'd["warmup_s"], d["measured_s"]')" = "(2, 8)"
check "throughput divides by the measured time" test "$(field "$TMP/w.json" \
    'abs(d["classes"][0]["throughput"] - d["classes"][0]["completed"] / 8) < 1e-9')" = True
check "the class latency has mean_ci95_ns around mean_ns" test "$(field "$TMP/w.json" \
    '(lambda l: l["mean_ci95_ns"][0] < l["mean_ns"] < l["mean_ci95_ns"][1])(d["classes"][0]["latency"])')" = True
check "the warm-up report validates against the schema" valid "$TMP/w.json"

dk run "$MM1" --for 10s --json "$TMP/plain.json"
check "a warm-up changes the counts" test "$(field "$TMP/plain.json" 'd["classes"][0]["created"]')" -gt \
    "$(field "$TMP/w.json" 'd["classes"][0]["created"]')"

dk run "$MM1" --for 5s --warmup 1s --replications 4 --seed 10 --json "$TMP/r.json"
check "--replications exits 0" rc_is 0
check "the report has the replications block" out_has "over 4 replications (seeds 10..13): mean ± 95% half-width"
check "with a row per class" out_matches "^request +[0-9.]+/s ± [0-9.]+ +[0-9.]+ms ± [0-9.]+"
check "and the station's utilisation" out_matches "^s +[0-9.]+/s ± [0-9.]+ +[0-9.]+% ± [0-9.]+"
check "the JSON has the replications" test "$(field "$TMP/r.json" 'd["replications"]["seeds"]')" = "[10, 11, 12, 13]"
check "each estimate has its interval" test "$(field "$TMP/r.json" \
    '(lambda e: e["ci95"][0] < e["mean"] < e["ci95"][1] and e["n"] == 4)(d["replications"]["classes"][0]["mean_ns"])')" = True
check "the replications report validates against the schema" valid "$TMP/r.json"
check "the rest of the report is the first replication's" test "$(field "$TMP/r.json" 'd["seed"]')" = 10

dk run "$MM1" --for 5s --warmup 1s --replications 4 --seed 10 --json "$TMP/r2.json"
check "replications repeat byte for byte" cmp -s "$TMP/r.json" "$TMP/r2.json"
dk run "$MM1" --for 2s
plain=$OUT
dk run "$MM1" --for 2s --warmup 0 --replications 1
check "--warmup 0 and --replications 1 are accepted" rc_is 0
check "one replication is the plain run" test "$OUT" = "$plain"

expect_fail "a negative warm-up" 2 "run: --warmup: invalid duration \"-1s\"" run "$MM1" --warmup -1s
expect_fail "a warm-up that is not a duration" 2 "run: --warmup: invalid duration \"soon\"" run "$MM1" --warmup soon
expect_fail "a warm-up as long as the run" 2 "run: --warmup (5s) must be shorter than the run (--for 5s)" \
    run "$MM1" --for 5s --warmup 5s
expect_fail "a warm-up beyond the default run" 2 "run: --warmup (2m) must be shorter than the run (--for 60s)" \
    run "$MM1" --warmup 2m
expect_fail "zero replications" 2 "run: --replications must be a whole number >= 1 (got 0)" run "$MM1" --replications 0
expect_fail "a fractional number of replications" 2 "run: --replications must be a whole number >= 1 (got 2.5)" \
    run "$MM1" --replications 2.5
expect_fail "replications that are not a number" 2 "run: --replications must be a whole number >= 1 (got many)" \
    run "$MM1" --replications many
expect_fail "a run that drains before its warm-up ends" 2 "before its warm-up" \
    run "$MM1" --for 10s --warmup 5s --requests 10

finish
