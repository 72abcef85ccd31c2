#!/usr/bin/env bash
# quiet_build.sh DESIGNKIT ROOT - `make build` (and so `make run` and `make test`) prints nothing
# but what needs reading: a clean build prints nothing at all, a broken one prints the compiler's
# error with its file and line, and fails. VERBOSE=1 brings the progress lines back.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

# The Makefile in a scratch build folder (the module and CLI only, to keep it short); deps is
# taken as done (-o deps) so that a test never runs apt-get. The make we run is not the one that
# may be running us.
mk() {
    (cd "$ROOT" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -o deps JOBS=2 "$@") \
        >"$TMP/.stdout" 2>"$TMP/.stderr"
    RC=$?
    OUT=$(cat "$TMP/.stdout")
    ERR=$(cat "$TMP/.stderr")
}
chatter='Building C object|Linking C|Built target|Entering directory|Leaving directory|^\[ *[0-9]+%\]'

mk build BUILD="$TMP/ok" CMAKE_ARGS=-DBUILD_TESTING=OFF
check "a clean build succeeds" rc_is 0
check "and prints nothing (a line here is a compiler warning to fix)" test -z "$OUT$ERR"
check "it built the CLI" test -x "$TMP/ok/designkit"

mk build BUILD="$TMP/ok" CMAKE_ARGS=-DBUILD_TESTING=OFF VERBOSE=1
check "VERBOSE=1 configures the progress lines back" \
    grep -qE '^CMAKE_RULE_MESSAGES:[A-Z]*=ON$' "$TMP/ok/CMakeCache.txt"

# A compile error in our own code: DK_OK defined as a stray token breaks every file that uses
# the status enum, while CMake's own compiler checks (which do not) still pass.
mk build BUILD="$TMP/broken" "CMAKE_ARGS=-DBUILD_TESTING=OFF -DCMAKE_C_FLAGS=-DDK_OK=@"
check "a broken build fails" test "$RC" -ne 0
check "and shows the compiler's error with its file" \
    eval 'printf "%s\n" "$OUT$ERR" | grep -qE "^/.*/core/.*\.[ch]:[0-9]+:[0-9]+: error: "'
check "without the progress chatter around it" eval '! printf "%s\n" "$OUT$ERR" | grep -qE "$chatter"'

finish
