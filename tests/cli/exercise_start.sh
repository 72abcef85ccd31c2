# exercise_start.sh - the learner's path end to end on exercises/hello: start writes the
# statement, the starter, the spec and .exercise; test fails on the starter with the hints of
# task 1 and task 2 hidden; passes on the reference; results.json has Exercism's shape; start
# refuses a folder that is not empty.
set -u
. "$(dirname "$0")/fixtures/lib.bash"
ROOT=$(cd "$ROOT" && pwd)
cd "$TMP"

dk exercise start hello
check "start writes the four files" bash -c \
    'rc=$0; [ "$rc" = 0 ] && [ -f hello/README.md ] && [ -f hello/solution.lua ] && [ -f hello/spec.lua ] && [ "$(cat hello/.exercise)" = hello ]' "$RC"
check "the statement comes with its tasks and hints" grep -q "hint: Greeter.new()" hello/README.md
check "solution.lua is the starter" cmp -s hello/solution.lua "$ROOT/exercises/hello/starter.lua"
check "nothing but the four files (no temporary left)" bash -c '[ "$(ls -A hello | wc -l)" = 4 ]'

dk exercise start hello
check "start refuses a folder that is not empty (exit 2)" bash -c \
    '[ "$0" = 2 ] && printf "%s" "$1" | grep -q "hello is not empty"' "$RC" "$ERR"
: >"$TMP/a_file"
dk exercise start hello "$TMP/a_file"
check "start refuses a file (exit 2)" rc_is 2

dk exercise test hello
check "the starter fails: exit 1" rc_is 1
check "each test of task 1 is an ERROR with the starter's message" \
    out_has "ERROR  task 1 > greets a name"
check "the message names the place" out_has "not implemented: Greeter:greet"
check "task 1's hints are printed under it" out_has "- greet(name) falls back to"
check "task 2 is hidden until task 1 passes" bash -c \
    '! printf "%s" "$0" | grep -q "task 2 >" && printf "%s" "$0" | grep -q "3 tests of later tasks not shown"' "$OUT"

dk exercise test hello --all
check "--all shows task 2" out_has "task 2 > counts zero for a stranger"

# Task 1 solved, task 2 not: task 2 shows, with its hint.
cat >hello/solution.lua <<'LUA'
local Greeter = {}
Greeter.__index = Greeter
function Greeter.new() return setmetatable({}, Greeter) end
function Greeter:greet(name) return "Hello, " .. (name or "World") .. "!" end
function Greeter:count() return 0 end
return Greeter
LUA
dk exercise test hello
check "task 1 passes, task 2 shows once it does" bash -c \
    'printf "%s" "$0" | grep -q "PASS   task 1 > greets a name" && printf "%s" "$0" | grep -q "FAIL   task 2 > counts each name on its own"' "$OUT"
check "a failed expect says what was expected and what came back, with its label" \
    out_has 'count("Ada") after greeting Ada twice: expected 2, got 0'
check "task 2's hint is printed" out_has "- Keep a table from name to count"

cp "$ROOT/models/lld/hello.lua" hello/solution.lua
dk exercise test hello --results "$TMP/results.json"
check "the reference passes: exit 0" rc_is 0
check "the closing line counts them" out_has "5 passed, 0 failed, 0 errors (5 tests)"
check "results.json is JSON" is_json "$TMP/results.json"
check "results.json has Exercism's shape (version 2, tests with test_code and task_id)" \
    /usr/bin/python3 - "$TMP/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 2 and d["status"] == "pass" and "message" not in d, d
assert len(d["tests"]) == 5
t = d["tests"][0]
assert t["name"] == "task 1 > greets a name" and t["status"] == "pass" and t["task_id"] == 1, t
assert t["test_code"].startswith('it("greets a name", function()'), t["test_code"]
assert "message" not in t
PY

(cd hello && "$DK" exercise test --json >"$TMP/stdout.json" 2>"$TMP/stderr")
RC=$?
check "test with no DIR runs in the current folder; --json prints results.json" bash -c \
    '[ "$0" = 0 ] && /usr/bin/python3 -c "import json,sys; assert json.load(open(sys.argv[1]))[\"status\"] == \"pass\"" "$1"' \
    "$RC" "$TMP/stdout.json"

finish
