# thread_stock_lua.sh - dk.thread and dk.pool under stock lua5.4 with designkit.so, where no host
# installs a state factory: each thread gets a plain state with the standard libraries and
# designkit loaded (bindings/lua/l_thread.c, plain_open).
set -u
. "$(dirname "$0")/fixtures/lib.bash"

SO_DIR=$(dirname "$DK")/lua
if ! command -v lua5.4 >/dev/null || [ ! -e "$SO_DIR/designkit.so" ]; then
    pass "skipped: no lua5.4 or no $SO_DIR/designkit.so"
    finish
fi
cat >"$TMP/stock.lua" <<'LUA'
local dk = require "designkit"
local t = dk.thread(function(x) return x + 1, dk.version, io.open ~= nil end, 41)
print("thread", t:join())
local p = dk.pool { threads = 2 }
print("pool", p:submit(function(a, b) return a * b end, 6, 7):get())
p:close()
local bad = dk.thread(function() error("from the thread") end)
print("error", select(2, pcall(bad.join, bad)):match("^[^\n]*"))
LUA
# A sanitized designkit.so needs its runtime loaded first into the stock interpreter.
PRELOAD=
if ldd "$SO_DIR/designkit.so" 2>/dev/null | grep -q libasan; then
    PRELOAD=$(${CC:-cc} -print-file-name=libasan.so)
fi
(cd "$TMP" && LD_PRELOAD=$PRELOAD LUA_CPATH="$SO_DIR/?.so" LUA_PATH="$ROOT/bindings/lua/?.lua;;" \
    lua5.4 stock.lua >"$TMP/.stdout" 2>"$TMP/.stderr")
RC=$?
OUT=$(cat "$TMP/.stdout")
ERR=$(cat "$TMP/.stderr")
check "stock lua5.4 runs threads" rc_is 0
check "a thread gets designkit and the full standard library" out_has "thread	42	$(sed -n 's/.*DK_VERSION "\(.*\)".*/\1/p' "$ROOT/core/include/designkit/designkit.h" | head -1)	true"
check "a pool runs a task" out_has "pool	42"
check "a thread's error comes back with its place" out_has "error	stock.lua:7: from the thread"
finish
