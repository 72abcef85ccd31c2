# errors.sh - bad input: each mistake gets exit 2 and a message that names the place.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

cd "$FIX" || exit 1

expect_fail "a syntax error names file and line" 2 "syntax.lua:5:" run syntax.lua
check "and starts with designkit:" err_matches "^designkit: syntax.lua:5:"
check "and has no traceback" test "$(printf '%s' "$ERR" | grep -c traceback)" -eq 0

expect_fail "a handler error names the component" 2 'api' run handler_error.lua --for 2s
check "and the request class" err_has "upload"
check "and the script's message" err_has "disk full"

expect_fail "an unknown component kind" 2 "teleporter" run badkind.lua
check "names the line" err_has "badkind.lua:4:"
expect_fail "an unknown option key" 2 "colour" check badkey.lua
check "names the line" err_has "badkey.lua:4:"
expect_fail "a negative capacity" 2 'capacity must be a positive integer (got -5)' run negcap.lua
check "names the component" err_has 'cache "redis"'
check "names the line" err_has "negcap.lua:4:"
expect_fail "a zero capacity" 2 'capacity must be a positive integer (got 0)' check zerocap.lua
expect_fail "a malformed duration" 2 'parsecs' run badduration.lua
check "names the line" err_has "badduration.lua:4:"

expect_fail "a script that returns no model" 2 "noreturn.lua: the script must return a model (got nil)" run noreturn.lua
expect_fail "a missing file" 2 "cannot open missing.lua" run missing.lua
expect_fail "a missing JSON file" 2 "missing.json" run missing.json
expect_fail "malformed JSON names the file" 2 "malformed.json" run malformed.json
check "and the line and column" err_matches "malformed.json:?.*(line )?4.*(column |:)[0-9]+"
expect_fail "a plain script that fails" 2 "syntax.lua:5:" syntax.lua

expect_fail "an unknown flag is named" 2 "unknown option --frobnicate" run simple.lua --frobnicate
expect_fail "an unknown global flag is named" 2 "unknown option --frobnicate" --frobnicate
expect_fail "an unknown command" 2 "unknown command 'rnu'" rnu simple.lua
expect_fail "a flag without its value" 2 "--seed needs a value" run simple.lua --seed
expect_fail "a bad --seed" 2 "--seed must be a whole number" run simple.lua --seed abc
expect_fail "a negative --seed" 2 "--seed must be a whole number" run simple.lua --seed -3
expect_fail "a fractional --seed" 2 "--seed must be a whole number" run simple.lua --seed 1.5
expect_fail "a malformed --for" 2 "--for" run simple.lua --for 10parsecs
expect_fail "a --for without unit" 2 "--for" run simple.lua --for 10
expect_fail "a zero --for" 2 "--for must be a positive duration" run simple.lua --for 0s
expect_fail "a bad --requests" 2 "--requests must be a whole number > 0" run simple.lua --requests 0
expect_fail "no design" 2 "which design?" run
expect_fail "two designs" 2 "one design at a time" check simple.lua failing.lua
expect_fail "a flag that takes no value" 2 "takes no value" run simple.lua --quiet=yes

expect_fail "an unwritable --json path" 2 "cannot write" run simple.lua --for 1s --json "$TMP/none/r.json"
check "leaves no partial file" test ! -e "$TMP/none"
expect_fail "a --json path that is a folder" 2 "folder" run simple.lua --for 1s --json "$TMP"

dk run --help
check "run --help exits 0 even with nothing else" rc_is 0
dk
check "no command at all exits 2 with the usage" test "$RC" -eq 2 -a -n "$ERR"

finish
