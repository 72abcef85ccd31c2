#!/usr/bin/env bash
# luarocks.sh DESIGNKIT ROOT - `luarocks make` with the repository's rockspec builds the Lua
# module against the system's Lua 5.4 and installs it into a tree, offline, and stock lua5.4
# loads it from that tree and runs a design: an M/M/1 queue whose mean latency matches the
# formula 1/(mu - lambda), and whose report is the CLI's, byte for byte.
set -u
. "$(dirname "$0")/fixtures/lib.bash"

if ! command -v luarocks >/dev/null || ! command -v lua5.4 >/dev/null; then
    fail "luarocks and lua5.4 are installed (make deps installs them)"
    finish
    exit 1
fi
rockspec=$(cd "$ROOT" && ls designkit-*.rockspec 2>/dev/null | head -n 1)
check "the repository has a rockspec" test -n "$rockspec"
[ -n "$rockspec" ] || { finish; exit 1; }

# luarocks make builds in the folder it runs in (build.luarocks/): a copy keeps the checkout
# clean and lets a plain and an ASan test run at the same time.
src=$TMP/src tree=$TMP/tree
mkdir -p "$src"
tar -C "$ROOT" --exclude='./build*' --exclude=./out --exclude=./.git -cf - . | tar -C "$src" -xf -

# A configuration of our own: no rocks server, so nothing can be fetched, and nothing from the
# user's own luarocks configuration changes the build.
cat >"$TMP/config.lua" <<'LUA'
rocks_servers = {}
LUA
rocks() { LUAROCKS_CONFIG=$TMP/config.lua HOME=$TMP luarocks --lua-version 5.4 --tree "$tree" "$@"; }

(cd "$src" && CMAKE_BUILD_PARALLEL_LEVEL=2 rocks make "$rockspec") >"$TMP/make.log" 2>&1
RC=$?
OUT=$(tail -n 30 "$TMP/make.log") ERR=
check "luarocks make builds and installs into a tree" rc_is 0
check "the rock is listed in the tree" eval 'rocks list --porcelain 2>/dev/null | grep -q "^designkit	scm-1	installed"'
check "the C module is in the tree's Lua 5.4 C path" test -f "$tree/lib/lua/5.4/designkit.so"
check "the pure-Lua modules are in the tree's Lua 5.4 path" test -f "$tree/share/lua/5.4/designkit/dsl.lua"
check "the build is the rock's own, in the copy" test -d "$src/build.luarocks"

# The design: Poisson arrivals at lambda = 100/s, one worker with exponential service of mean
# 5 ms (mu = 200/s). The reference is the M/M/1 formula, computed here.
cat >"$TMP/mm1.lua" <<'LUA'
local dk = require "designkit"
local m = dk.model "mm1"
local users = m:client "users" { rate = "100/s" }
local api = m:service "api" { workers = 1, time = dk.exp "5ms" }
m:link(users, api)
return m
LUA
cat >"$TMP/run.lua" <<'LUA'
local dk = require "designkit"
local m = dofile(arg[1])
local r = m:run { duration = "200s", seed = 3 }
local lambda, mu = 100, 200
local want = 1 / (mu - lambda)
local got = r.classes[1].latency.mean
print(string.format("mean %.6f s, M/M/1 %.6f s", got, want))
local f = assert(io.open(arg[2], "w"))
f:write(r:json(), "\n")
f:close()
os.exit(math.abs(got - want) / want < 0.1 and 0 or 1)
LUA
paths=$(rocks path 2>/dev/null)
(eval "$paths" && cd "$TMP" && lua5.4 run.lua mm1.lua module.json) >"$TMP/run.log" 2>&1
RC=$?
OUT=$(cat "$TMP/run.log") ERR=
check "stock lua5.4 loads the rock and the M/M/1 mean is within 10% of 1/(mu - lambda)" rc_is 0
check "the module comes from the tree" eval '(eval "$paths" && lua5.4 -e "print(package.searchpath(\"designkit\", package.cpath))") | grep -qF "$tree/lib/lua/5.4/designkit.so"'
dk run "$TMP/mm1.lua" --for 200s --seed 3 --json "$TMP/cli.json" --quiet
check "the rock's report is the CLI's, byte for byte" cmp "$TMP/module.json" "$TMP/cli.json"

(cd "$src" && rocks remove designkit) >"$TMP/remove.log" 2>&1
RC=$?
OUT=$(cat "$TMP/remove.log") ERR=
check "luarocks remove takes it out again" eval 'rc_is 0 && test ! -e "$tree/lib/lua/5.4/designkit.so"'
finish
