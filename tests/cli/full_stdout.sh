# full_stdout.sh - a standard output that cannot be written (a full disk: /dev/full) is an
# unwritable output, exit 2 with a message that says so, never an internal error (exit 3).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

[ -w /dev/full ] || { echo "skip: no /dev/full"; finish; exit 0; }

# dk_full ARGS...: runs designkit with stdout on /dev/full, leaving RC and ERR.
dk_full() {
    "$DK" "$@" >/dev/full 2>"$TMP/.stderr"
    RC=$?
    ERR=$(cat "$TMP/.stderr")
}

dk_full run simple.lua --for 1s
check "run > /dev/full: exit 2" rc_is 2
check "says the standard output cannot be written, and why" err_has "designkit: cannot write the standard output: No space left on device"
check "no internal error" test -z "$(printf '%s' "$ERR" | grep 'internal error')"

dk_full check simple.lua
check "check > /dev/full: exit 2" rc_is 2

dk_full --version
check "--version > /dev/full: exit 2" rc_is 2

dk_full run failing.lua --for 1s
check "a run whose expectations fail but whose report is lost: exit 2" rc_is 2

# More than a stdio buffer: the write fails while the script runs, not only at the last flush.
cat >"$TMP/chatty.lua" <<'LUA'
for i = 1, 20000 do print(("line %d of a long output"):format(i)) end
LUA
dk_full "$TMP/chatty.lua"
check "a script printing past the buffer > /dev/full: exit 2" rc_is 2
check "with the message" err_has "cannot write the standard output"

dk run simple.lua --for 1s
check "a writable stdout still exits 0" rc_is 0

finish
