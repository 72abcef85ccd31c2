# exercises.sh - CI's proof that every exercise compiled into designkit is sound: its spec passes
# against its reference solution and every test fails or errors against its starter
# (`designkit exercise verify NAME`), two exercises at a time. Also: the catalogue lists them,
# each has its statement page and a row in docs/exercises/README.md; the spec's globals are
# annotated for editors.
set -u
. "$(dirname "$0")/fixtures/lib.bash"
ROOT=$(cd "$ROOT" && pwd)

dk exercise list --json
check "exercise list --json is JSON" bash -c 'printf "%s" "$0" | /usr/bin/python3 -m json.tool >/dev/null' "$OUT"
names=$(printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; print("\n".join(e["name"] for e in json.load(sys.stdin)))')
check "there are exercises" test -n "$names"

export DK
printf '%s\n' $names | xargs -P 2 -I{} bash -c \
    '"$DK" exercise verify "$1" >"$0/verify.$1" 2>&1; echo $? >"$0/rc.$1"' "$TMP" {}
for name in $names; do
    if [ "$(cat "$TMP/rc.$name")" = 0 ]; then
        pass "$(cat "$TMP/verify.$name")"
    else
        fail "verify $name (exit $(cat "$TMP/rc.$name"))" "$(cat "$TMP/verify.$name")"
    fi
    if [ -f "$ROOT/docs/exercises/$name.md" ]; then
        pass "$name: docs/exercises/$name.md exists"
    else
        fail "$name: docs/exercises/$name.md is missing"
    fi
    if grep -qF "[$name]($name.md)" "$ROOT/docs/exercises/README.md"; then
        pass "$name: a row in docs/exercises/README.md"
    else
        fail "$name: no row in docs/exercises/README.md" "run 'make docs' (docs/regenerate.sh) to write the table"
    fi
done

# The spec's globals (every env.NAME that designkit.exercise_spec gives a spec, but its own
# require) are annotated
# for editors in bindings/lua/meta/exercise.lua.
for name in $(sed -n 's/^ *\(function \)\{0,1\}env\.\([a-z_]*\)\( =\|(\).*/\2/p' \
    "$ROOT/bindings/lua/designkit/exercise_spec.lua" | grep -vx require | sort -u); do
    check "the spec global $name is annotated in meta/exercise.lua" \
        grep -q "^function $name(" "$ROOT/bindings/lua/meta/exercise.lua"
done

finish
