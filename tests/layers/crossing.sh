#!/usr/bin/env bash
# crossing.sh SOURCE_DIR - the layer check (cmake/check_layers.cmake) must refuse each kind of
# crossing it names, in a scratch tree, and pass the real tree.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
expect() { # expect NAME PATTERN FILE LINE: FILE holding LINE must fail the check with PATTERN
    local name=$1 pattern=$2 file=$3 line=$4 out
    rm -rf "$tmp/tree" && mkdir -p "$tmp/tree/$(dirname "$file")"
    printf '%s\n' "$line" > "$tmp/tree/$file"
    if out=$(cmake -DDK_ROOT="$tmp/tree" -P "$src/cmake/check_layers.cmake" 2>&1); then
        echo "FAIL $name: the check passed"; fail=$((fail + 1))
    elif ! grep -qF "$pattern" <<<"$out"; then
        echo "FAIL $name: no \"$pattern\" in: $out"; fail=$((fail + 1))
    else
        echo "ok   $name"; pass=$((pass + 1))
    fi
}
expect "the model includes the simulator" "core/model/x.c (model) includes designkit/sim.h (sim)" \
    core/model/x.c '#include "designkit/sim.h"'
expect "the drawing includes the run report" "core/export/dot.c (export) includes designkit/report.h" \
    core/export/dot.c '#include "designkit/report.h"'
expect "the simulator includes the kinds" "core/sim/x.c (sim) includes designkit/kinds.h (kinds)" \
    core/sim/x.c '#include "designkit/kinds.h"'
expect "the core includes Lua" "the core never sees Lua" core/kinds/x.c '#include <lua.h>'
expect "Graphviz outside dot.c" "Graphviz is called only in core/export/dot.c" \
    core/export/x.c '#include <graphviz/cgraph.h>'
expect "cJSON outside core/export" "cJSON is used only in core/export" \
    bindings/lua/x.c '#include <cjson/cJSON.h>'
expect "the Lua module calls the host" "never calls into the CLI host" \
    bindings/lua/x.c 'const char *dk_cli_sandbox_deny(void);'
expect "a header of no layer" "has no layer" core/base/x.c '#include "designkit/nothing.h"'
expect "model.h includes sim.h" "designkit/model.h (model) includes designkit/sim.h (sim)" \
    core/include/designkit/model.h '#include "designkit/sim.h"'
if cmake -DDK_ROOT="$src" -P "$src/cmake/check_layers.cmake" >/dev/null 2>&1; then
    echo "ok   the real tree keeps its layers"; pass=$((pass + 1))
else
    echo "FAIL the real tree crosses a layer"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
