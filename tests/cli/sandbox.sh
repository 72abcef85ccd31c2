# sandbox.sh - the safe standard library: what a script may not do, and --unsafe lifting it.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$TMP" || exit 1

expect_fail "a design calling os.execute is refused" 2 "os.execute is not allowed" run "$FIX/exec.lua" --for 1s
check "the message names the line" err_has "exec.lua:5:"
dk --unsafe run "$FIX/exec.lua" --for 1s
check "--unsafe before the command allows it" rc_is 0
dk run --unsafe "$FIX/exec.lua" --for 1s
check "--unsafe after the command allows it too" rc_is 0

snippet() {
    printf '%s\n' "$2" >"$TMP/$1.lua"
}
snippet popen 'io.popen("true")'
expect_fail "io.popen is refused" 2 "io.popen is not allowed" popen.lua
snippet exit 'os.exit(0)'
expect_fail "os.exit is refused" 2 "os.exit is not allowed" exit.lua
snippet loadlib 'assert(package.loadlib("libc.so.6", "puts"))'
expect_fail "package.loadlib is refused" 2 "package.loadlib is not allowed" loadlib.lua
snippet debug 'assert(debug.getinfo == nil and debug.traceback ~= nil, "debug") print(package.cpath == "")'
dk debug.lua
check "no debug library but traceback; no C module path" test "$RC" -eq 0 -a "$OUT" = "true"
snippet binary 'assert(load(string.dump(function() end)))'
expect_fail "binary chunks are refused" 2 "binary chunk" binary.lua
snippet getenv 'print(os.getenv("HOME") ~= nil)'
dk getenv.lua
check "os.getenv stays" test "$RC" -eq 0 -a "$OUT" = "true"
snippet tmp 'local n = os.tmpname() local f = assert(io.open(n, "w")) f:write("x") f:close() assert(os.remove(n)) print("ok")'
dk tmp.lua
check "a file from os.tmpname may be written and removed" test "$RC" -eq 0 -a "$OUT" = "ok"

expect_fail "writing outside the output folder is refused" 2 "only below the output folder" "$FIX/writes.lua" "$TMP/outside.txt"
check "and nothing is written" test ! -e "$TMP/outside.txt"
mkdir -p "$TMP/out"
dk "$FIX/writes.lua" out/inside.txt
check "writing below ./out is allowed" test "$RC" -eq 0 -a -s "$TMP/out/inside.txt"
expect_fail "climbing out with .. is refused" 2 "only below the output folder" "$FIX/writes.lua" out/../escape.txt
check "and nothing is written" test ! -e "$TMP/escape.txt"
ln -s "$TMP/target.txt" "$TMP/out/link.txt"
expect_fail "a symbolic link out of the folder is refused" 2 "cannot write" "$FIX/writes.lua" out/link.txt
check "and nothing is written through it" test ! -e "$TMP/target.txt"
dk --unsafe "$FIX/writes.lua" "$TMP/outside.txt"
check "--unsafe writes anywhere" test "$RC" -eq 0 -a -s "$TMP/outside.txt"

snippet readme 'local f = assert(io.open(arg[1])) print(#f:read("a") > 0)'
dk readme.lua "$FIX/simple.lua"
check "reading anywhere is allowed" test "$RC" -eq 0 -a "$OUT" = "true"

snippet host 'print(pcall(require, "designkit.host"))'
dk host.lua
check "the host's own module is out of reach" out_has "false"

snippet drawer 'local dk = require "designkit" local m = dk.model "x" m:client "c" {} print(m:draw(arg[1]))'
dk drawer.lua "$TMP/drawn.svg"
check "m:draw from a script obeys the output folder" test ! -e "$TMP/drawn.svg"
dk drawer.lua out/drawn.svg
check "m:draw below ./out works" test -s "$TMP/out/drawn.svg"

# Plain script mode: arg as lua5.4 sets it.
dk "$FIX/args.lua" one two
check "a plain script runs" rc_is 0
check "arg[0] is the script" out_has "script $FIX/args.lua"
check "#arg counts the arguments" out_has "count 2"
check "arg[1..] are the arguments" out_has "args one,two"
check "... holds them too" out_has "varargs one,two"
check "the designkit module is loaded" out_has "module function"
snippet neg 'print(arg[-1], arg[-2])'
dk --unsafe neg.lua
check "what came before the script sits at negative indices" out_matches "^--unsafe	.*designkit"
snippet code 'return 3'
dk code.lua
check "a script's integer result is the exit code" rc_is 3

finish
