#!/usr/bin/env bash
# valgrind.sh BUILD_DIR - the CLI's main paths under valgrind: any error or leak of our own fails.
# Third-party caches (Graphviz plugins, fontconfig, pango) are suppressed by tests/valgrind.supp.
set -u
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/designkit
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
vg() {
  local name=$1 want=$2; shift 2
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --suppressions="$root/tests/valgrind.supp" --error-exitcode=99 "$@" >"$tmp/out" 2>&1
  local rc=$?
  if [ "$rc" = "$want" ]; then pass=$((pass+1)); echo "ok   $name"
  else fail=$((fail+1)); echo "FAIL $name (exit $rc, wanted $want)"; tail -30 "$tmp/out"; fi
}
design=$root/models/hld/url_shortener.lua
cd "$tmp"
vg "run with Lua handlers and a JSON report" 0 "$bin" run "$design" --for 0.2s --quiet --json "$tmp/r.json"
vg "check" 0 "$bin" check "$design"
vg "draw svg after a run" 0 "$bin" draw "$design" -o "$tmp/u.svg" --after-run --for 0.1s
vg "draw png" 0 "$bin" draw "$design" -o "$tmp/u.png"
vg "export, then run the JSON" 0 "$bin" export "$design" -o "$tmp/u.json"
# Export drops the Lua handlers, so the exported design has a class nothing routes: run needs
# --force, and its failed "shorten" requests miss the availability expectation (exit 1).
vg "run an exported model" 1 "$bin" run "$tmp/u.json" --for 0.1s --quiet --force
printf 'local dk = require "designkit"\nlocal m = dk.model "x"\nlocal c = m:client "c" { rate = 100 }\nlocal s = m:service "s" {}\nlocal _ = c >> s\ns:on("request", function(req) error("boom") end)\nreturn m\n' > bad.lua
vg "a handler error mid-run" 2 "$bin" run bad.lua --for 1s
printf '{"designkit": "model", "version": 1,\n "name": 5 ' > bad.json
vg "malformed JSON" 2 "$bin" run bad.json
vg "specs" 0 "$bin" test "$root/tests/lua/units_spec.lua"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
