# exercise_scores.sh - scores printed beside the verdicts and carried in results.json; describe
# and before_each name and prepare tests; a score with a bad option is that test's error.
set -u
. "$(dirname "$0")/fixtures/lib.bash"
ROOT=$(cd "$ROOT" && pwd)
SCORED=$ROOT/tests/fixtures/exercises/scored
cd "$TMP"
mkdir sol
cp "$ROOT/models/lld/hello.lua" sol/solution.lua

dk exercise test sol --path "$SCORED" --results "$TMP/results.json"
check "one test errs (the bad score option): exit 1" rc_is 1
check "describe names the test, before_each prepares it" out_has "PASS   task 1 > greet > greets Ada"
check "the scores are printed beside the verdict" \
    out_has "PASS   task 2 > counts greetings, scored  [greetings counted 3 greetings (baseline 1 greetings, target 3 greetings, higher is better); ratio 1 (half 0.5)]"
check "a score with an unknown option is the test's error, naming it" \
    out_has "score: unknown option units (unit, better, baseline, baseline_name, target)"
check "results.json carries the scores" /usr/bin/python3 - "$TMP/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["status"] == "fail", d["status"]
t = d["tests"][1]
assert t["name"] == "task 2 > counts greetings, scored" and t["status"] == "pass", t
s = t["scores"]
assert s[0] == {"name": "greetings counted", "value": 3, "unit": "greetings", "better": "higher",
                "baseline": 1, "target": 3}, s
assert s[1] == {"name": "ratio", "value": 1, "baseline": 0.5, "baseline_name": "half"}, s
assert d["tests"][2]["status"] == "error" and "unknown option units" in d["tests"][2]["message"]
PY

dk exercise verify --path "$SCORED" --solution starter
check "verify --solution starter: every test fails against the starter" bash -c \
    '[ "$0" = 0 ] && printf "%s" "$1" | grep -q "starter 3/3"' "$RC" "$OUT"
dk exercise verify --path "$SCORED" --solution reference --json
check "verify --solution reference --json: the failing test is named" bash -c \
    '[ "$0" = 1 ] && printf "%s" "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); assert d[0][\"ok\"] is False and d[0][\"reference\"][\"tests\"][2][\"status\"] == \"error\""' \
    "$RC" "$OUT"

finish
