# hostile.sh - the corpus of hostile scripts in tests/hostile: each attacks the host one way and
# says in its header what the host must do about it. Every script runs in a fresh folder of its
# own, under a wall-clock cap, and must leave no temporary file behind.
#
# Header lines (Lua comments at the top of the script):
#   -- hostile: what it attacks (one line; required)
#   -- command: the designkit arguments, {} standing for the script (default: run {} --for 1s)
#   -- exit: the exit code the host must give (required)
#   -- stderr: a text stderr must contain (any number of lines)
#   -- stdout: a text stdout must contain (any number of lines)
#   -- absent: a file (relative to the script's folder) that must not exist afterwards
#   -- setup: a shell command run in the folder first (to make ./out, a file to protect, ...)
#   -- env: NAME=VALUE set for the designkit command (any number of lines)
set -u
. "$(dirname "$0")/fixtures/lib.bash"

HOSTILE=$(cd "$ROOT/tests/hostile" && pwd)
CAP=${HOSTILE_SECONDS:-120}

header() { # header FIELD FILE: every value of "-- FIELD:" lines, one per line
    sed -n "s/^-- $1: *//p" "$2"
}

for script in "$HOSTILE"/*.lua; do
    name=$(basename "$script" .lua)
    what=$(header hostile "$script" | head -1)
    want=$(header exit "$script" | head -1)
    if [ -z "$what" ] || [ -z "$want" ]; then
        fail "$name: the header names what it attacks and the exit code it expects"
        continue
    fi
    dir=$TMP/$name
    mkdir -p "$dir"
    cp "$script" "$dir/"
    command=$(header command "$script" | head -1)
    [ -n "$command" ] || command='run {} --for 1s'
    (cd "$dir" && header setup "$script" | while IFS= read -r line; do bash -c "$line"; done)
    # The script is the word {}; the rest are split as a shell would, without evaluation.
    read -r -a words <<<"$command"
    args=()
    for w in "${words[@]}"; do
        if [ "$w" = "{}" ]; then args+=("$name.lua"); else args+=("$w"); fi
    done
    envs=()
    while IFS= read -r line; do [ -z "$line" ] || envs+=("$line"); done < <(header env "$script")
    (cd "$dir" && env "${envs[@]}" timeout -k 5 "$CAP" "$DK" "${args[@]}" >"$TMP/.stdout" 2>"$TMP/.stderr")
    RC=$?
    OUT=$(cat "$TMP/.stdout")
    ERR=$(cat "$TMP/.stderr")
    problems=""
    [ "$RC" = "$want" ] || problems="exit $RC, expected $want"
    while IFS= read -r text; do
        [ -z "$text" ] || err_has "$text" || problems="$problems; stderr lacks \"$text\""
    done < <(header stderr "$script")
    while IFS= read -r text; do
        [ -z "$text" ] || out_has "$text" || problems="$problems; stdout lacks \"$text\""
    done < <(header stdout "$script")
    while IFS= read -r file; do
        [ -z "$file" ] || [ ! -e "$dir/$file" ] || problems="$problems; $file exists"
    done < <(header absent "$script")
    leftovers=$(find "$dir" -name '*.tmp.*' | head -3)
    [ -z "$leftovers" ] || problems="$problems; temporary files left: $leftovers"
    if printf '%s' "$ERR" | grep -q "AddressSanitizer\|runtime error:\|internal error"; then
        problems="$problems; the host broke"
    fi
    if [ -z "$problems" ]; then
        pass "$name: $what"
    else
        fail "$name: $what" "${problems#; }
stdout: $OUT
stderr: $ERR"
    fi
done

finish
