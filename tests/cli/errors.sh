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
expect_fail "a handler's call along no link names the missing link" 2 'handler_unlinked.lua:11: service "api" handler for "save": calls database "db" but there is no link api >> db' run handler_unlinked.lua --for 2s

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

# The common slips: each message says what to write instead.
expect_fail "a link written as a statement" 2 "link_statement.lua:6: syntax error near '>>'" run link_statement.lua
check "hints at the statement form, quoting the line" err_has "write m:links { users >> api } or _ = users >> api"
expect_fail "a link to a nil name says it is the right operand" 2 'link_nil.lua:6: link client "users" >> nil: the right operand is nil' run link_nil.lua
expect_fail "a link from a nil name says it is the left operand" 2 'link_nil_left.lua:5: link nil >> service "api": the left operand is nil' run link_nil_left.lua
expect_fail "a misspelt option key suggests the nearest" 2 'service "api": unknown option "workrs"; did you mean "workers"?' run misspelt_key.lua
check "names the line" err_has "misspelt_key.lua:4:"
check "and still lists the valid keys" err_has "(valid: replicas, workers"
expect_fail "a misspelt property in model JSON suggests the nearest" 2 'unknown property "workrs"; did you mean "workers"?' run misspelt_key.json
check "names the file and the component" err_has 'misspelt_key.json: components[1] (service "api")'
check "and still lists the valid properties" err_has "(use replicas, workers"
dk check badkey.lua
check "a key near nothing suggests nothing" test "$RC" -eq 2 -a -z "$(printf '%s' "$ERR" | grep 'did you mean')"
expect_fail "a misspelt flag suggests the nearest" 2 "run: unknown option --fro; did you mean --for?" run simple.lua --fro 1s
expect_fail "a misspelt global flag" 2 "unknown option --vresion; did you mean --version?" --vresion
expect_fail "a misspelt command" 2 "unknown command 'rnu'; did you mean 'run'?" rnu simple.lua
dk run simple.lua --frobnicate
check "a flag near nothing suggests nothing" test "$RC" -eq 2 -a -z "$(printf '%s' "$ERR" | grep 'did you mean')"
dk run group_no_options.lua --for 1s --quiet
check "a group without its option table runs" rc_is 0
dk export group_no_options.lua -o "$TMP/group.json"
check "as a plain group holding its components" /usr/bin/python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
groups = {g['name']: g['kind'] for g in m['groups']}
api = [c for c in m['components'] if c['name'] == 'api'][0]
sys.exit(0 if groups == {'eu': 'group'} and api.get('group') == 'eu' else 1)" "$TMP/group.json"

# DESIGNKIT_MAX_MEMORY sets the memory limit (docs/security.md, Limits): reached in the engine,
# it is exit 2 naming the limit, its value and how to raise it.
DESIGNKIT_MAX_MEMORY=8MiB dk run flood.lua --for 1h --overload off
check "the memory limit reached in the engine exits 2" rc_is 2
check "names the limit and how to raise it" err_has 'designkit: flood.lua: stopped at 8MiB: the memory limit (DESIGNKIT_MAX_MEMORY=8MiB; raise it with --max-memory 32MiB or --max-memory none)'
check "with no traceback" test "$(printf '%s' "$ERR" | grep -c traceback)" -eq 0
DESIGNKIT_MAX_MEMORY=8MiB dk engine_error.lua
check "a script that catches the limit's error cannot carry on" test "$RC" -eq 2 -a -z "$OUT"
check "and is told the line it was stopped at" err_has 'engine_error.lua:11: stopped at 8MiB: the memory limit'
expect_fail "a script's own error still exits 2" 2 "syntax.lua:5:" syntax.lua
DESIGNKIT_MAX_MEMORY=lots dk run simple.lua
check "a malformed DESIGNKIT_MAX_MEMORY is bad input" test "$RC" -eq 2 -a -n "$(printf '%s' "$ERR" | grep 'DESIGNKIT_MAX_MEMORY: invalid size')"
DESIGNKIT_MAX_MEMORY=64MiB dk run simple.lua --for 2s --quiet
check "a limit the design fits in changes nothing" rc_is 0

dk run --help
check "run --help exits 0 even with nothing else" rc_is 0
dk
check "no command at all exits 2 with the usage" test "$RC" -eq 2 -a -n "$ERR"

finish
