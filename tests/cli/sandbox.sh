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

# The write scope: nothing by default; inside the folder named with --allow-write otherwise.
mkdir -p "$TMP/out"
expect_fail "by default a script writes nothing" 2 "unless the user names a folder for it with --allow-write" "$FIX/writes.lua" out/inside.txt
check "and nothing is written" test ! -e "$TMP/out/inside.txt"
dk --allow-write out "$FIX/writes.lua" out/inside.txt
check "--allow-write DIR lets it write inside DIR" test "$RC" -eq 0 -a -s "$TMP/out/inside.txt"
dk --allow-write=out "$FIX/writes.lua" out/nested.txt
check "--allow-write=DIR works too" test "$RC" -eq 0 -a -s "$TMP/out/nested.txt"
expect_fail "writing outside the named folder is refused" 2 "only inside \"out\", the folder named with --allow-write" --allow-write out "$FIX/writes.lua" "$TMP/outside.txt"
check "and nothing is written" test ! -e "$TMP/outside.txt"
expect_fail "climbing out with .. is refused" 2 "only inside" --allow-write out "$FIX/writes.lua" out/../escape.txt
check "and nothing is written" test ! -e "$TMP/escape.txt"
ln -s "$TMP/target.txt" "$TMP/out/link.txt"
expect_fail "a symbolic link out of the folder is refused" 2 "cannot write" --allow-write out "$FIX/writes.lua" out/link.txt
check "and nothing is written through it" test ! -e "$TMP/target.txt"
expect_fail "--allow-write / is refused" 2 "the whole file system" --allow-write / "$FIX/writes.lua" "$TMP/root.txt"
check "and nothing is written" test ! -e "$TMP/root.txt"
cp "$FIX/writes.lua" "$TMP/self.lua"
expect_fail "a folder that holds the script is refused" 2 "holds the script itself" --allow-write . self.lua self.lua
check "and the script is untouched" cmp -s "$FIX/writes.lua" "$TMP/self.lua"
expect_fail "so is a folder above it" 2 "holds the script itself" --allow-write .. self.lua self.lua
dk --allow-write . --allow-write-above self.lua other.txt
check "unless --allow-write-above says the user means it" test "$RC" -eq 0 -a -s "$TMP/other.txt"
expect_fail "--allow-write-above alone is a mistake" 2 "goes with --allow-write" --allow-write-above self.lua x.txt
expect_fail "a missing folder is named" 2 "--allow-write nowhere" --allow-write nowhere "$FIX/writes.lua" nowhere/x.txt
expect_fail "so is a file" 2 "not a folder" --allow-write self.lua "$FIX/writes.lua" x.txt
dk run "$FIX/simple.lua" --for 1s --json "$TMP/report.json"
check "an output named on the command line is the host's to write" test "$RC" -eq 0 -a -s "$TMP/report.json"
snippet sneaky 'local dk = require "designkit" local m = dk.model "x" local c = m:client "c" {} local s = m:service "s" {} m:links { c >> s } local f, err = io.open("beside.txt", "w") assert(f == nil) io.stderr:write(err, "\n") return m'
dk run sneaky.lua --for 1s --json "$TMP/sneaky.json"
check "naming --json grants the script nothing" test "$RC" -eq 0 -a ! -e "$TMP/beside.txt" -a -s "$TMP/sneaky.json"
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
check "m:draw from a script obeys the write scope" test ! -e "$TMP/drawn.svg"
dk --allow-write out drawer.lua out/drawn.svg
check "m:draw inside --allow-write works" test -s "$TMP/out/drawn.svg"

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
