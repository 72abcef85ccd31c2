# exercise_errors.sh - bad input to `designkit exercise`: each a clear message naming the place
# and exit 2 (docs/cli.md): an unknown exercise (the names listed, a suggestion), a folder
# without .exercise or solution.lua, a spec that fails outside any test, broken metadata, bad
# flags; and the help.
set -u
. "$(dirname "$0")/fixtures/lib.bash"
ROOT=$(cd "$ROOT" && pwd)
FX=$ROOT/tests/fixtures/exercises
cd "$TMP"

expect_fail "an unknown exercise: the names listed" 2 "(the exercises: " exercise show helo
check "... with a suggestion" err_has "no exercise named 'helo'; did you mean hello?"
expect_fail "start of an unknown exercise" 2 "no exercise named 'nope'" exercise start nope
expect_fail "verify of an unknown exercise" 2 "no exercise named 'nope'" exercise verify nope

mkdir -p bare
expect_fail "a folder without .exercise" 2 "bare has no .exercise file" exercise test bare
echo hello >bare/.exercise
expect_fail "a folder without solution.lua" 2 "bare/solution.lua is missing" exercise test bare
echo "no such" >bare/.exercise
expect_fail "a .exercise that is not a name" 2 ".exercise: its only line must be" exercise test bare
expect_fail "a DIR that does not exist" 2 "missing_dir is not a folder" exercise test missing_dir

expect_fail "a spec that fails outside any test: spec.lua:line" 2 \
    "broken_spec/spec.lua:5: attempt to index a nil value" exercise verify --path "$FX/broken_spec"
check "... said as such" err_has "the spec failed outside any test"
mkdir -p sol && cp "$ROOT/models/lld/hello.lua" sol/solution.lua
expect_fail "test against a broken spec: exit 2 too" 2 "broken_spec/spec.lua:5:" \
    exercise test sol --path "$FX/broken_spec"
expect_fail "metadata: an unknown difficulty, naming file and field" 2 \
    'bad_meta/exercise.lua: difficulty must be easy, medium or hard (got "simple")' \
    exercise verify --path "$FX/bad_meta"
expect_fail "metadata: tasks that do not match the spec's task() calls" 2 \
    "task_mismatch/exercise.lua: tasks lists 2 tasks but" exercise verify --path "$FX/task_mismatch"
expect_fail "a folder that is not an exercise" 2 "no exercise.lua in this folder" \
    exercise verify --path "$TMP"

expect_fail "an unknown flag, with its command's help named" 2 \
    "exercise test: unknown option --bogus (see 'designkit exercise test --help')" exercise test --bogus
expect_fail "a misspelt flag gets a suggestion" 2 "did you mean --json?" exercise list --jsn
expect_fail "a flag without its value" 2 "option --results needs a value (FILE)" exercise test --results
expect_fail "--solution takes reference or starter" 2 "--solution must be reference or starter" \
    exercise verify hello --solution both
expect_fail "an unknown subcommand, with a suggestion" 2 "unknown command 'tset'; did you mean test?" \
    exercise tset
expect_fail "--results in a folder that does not exist" 2 "--results: cannot write" \
    exercise test sol --path "$ROOT/exercises/hello" --results "$TMP/no/such/results.json"

dk exercise verify --path "$FX/starter_raises" --solution starter
check "verify: a starter that raises while it loads is refused (exit 1), naming its line" bash -c \
    '[ "$0" = 1 ] && printf "%s" "$1" | grep -qF "starter.lua does not load: " && printf "%s" "$1" | grep -qF "starter_raises/starter.lua:2: this starter raises"' \
    "$RC" "$OUT"

# A sandboxed script cannot reach the runner's C side (it forks processes) nor the command.
cat >"$TMP/reach.lua" <<'LUA'
for _, name in ipairs { "designkit.exercise_host", "designkit.exercise", "designkit.exercise_run" } do
  local ok = pcall(require, name)
  if ok then return 1 end
end
print("confined")
LUA
dk "$TMP/reach.lua"
check "a sandboxed script cannot require the exercise runner's modules" bash -c \
    '[ "$0" = 0 ] && [ "$1" = confined ]' "$RC" "$OUT"

dk exercise --help
check "exercise --help lists the commands" bash -c \
    '[ "$0" = 0 ] && printf "%s" "$1" | grep -q "designkit exercise verify"' "$RC" "$OUT"
for sub in list show start test verify; do
    dk exercise "$sub" --help
    check "exercise $sub --help names its exit codes" bash -c \
        '[ "$0" = 0 ] && printf "%s" "$1" | grep -q "^exit codes: 0 "' "$RC" "$OUT"
done
dk exercise
check "exercise alone: the help on stderr, exit 2" bash -c \
    '[ "$0" = 2 ] && printf "%s" "$1" | grep -q "usage: designkit exercise"' "$RC" "$ERR"
dk --help
check "designkit --help lists the exercise command" out_has "exercise  "

finish
