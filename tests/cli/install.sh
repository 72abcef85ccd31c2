#!/usr/bin/env bash
# install.sh DESIGNKIT ROOT - `make install` into a scratch prefix gives a library that a C
# program links through pkg-config, a CLI that runs, and a Lua module stock lua5.4 requires.
set -u
bin=$1 root=$2
build=$(cd "$(dirname "$bin")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check() { if eval "$2" >"$tmp/out" 2>&1; then pass=$((pass+1)); echo "ok   $1";
          else fail=$((fail+1)); echo "FAIL $1"; sed 's/^/     /' "$tmp/out"; fi; }

check "cmake --install into a prefix" "cmake --install '$build' --prefix '$tmp/p'"
check "static and shared libraries" "test -f '$tmp/p/lib/libdesignkit.a' && ls '$tmp/p/lib/'libdesignkit.so* >/dev/null"
check "public headers" "test -f '$tmp/p/include/designkit/designkit.h'"
check "designkit.pc" "PKG_CONFIG_PATH='$tmp/p/lib/pkgconfig' pkg-config --cflags --libs designkit"
cat > "$tmp/hello.c" <<'C'
#include <designkit/designkit.h>
#include <stdio.h>
int main(void) {
    dk_error err;
    int64_t ns;
    if (dk_parse_duration("2ms", &ns, &err) != DK_OK) return 1;
    printf("%lld\n", (long long)ns);
    return ns == 2000000 ? 0 : 1;
}
C
check "a C program builds against the installed library" \
  "cc '$tmp/hello.c' -o '$tmp/hello' \$(PKG_CONFIG_PATH='$tmp/p/lib/pkgconfig' pkg-config --cflags --libs --static designkit) && LD_LIBRARY_PATH='$tmp/p/lib' '$tmp/hello'"
check "the installed CLI runs" "'$tmp/p/bin/designkit' --version"
check "the JSON Schemas" "test -f '$tmp/p/share/designkit/schemas/model.schema.json' && test -f '$tmp/p/share/designkit/schemas/report.schema.json'"
check "stock lua5.4 requires the installed module" \
  "LUA_PATH='$tmp/p/share/lua/5.4/?.lua;$tmp/p/share/lua/5.4/?/init.lua' LUA_CPATH='$tmp/p/lib/lua/5.4/?.so' \
   lua5.4 -e 'local dk = require \"designkit\"; local m = dk.model \"x\"; assert(dk.duration(\"2ms\") == 0.002); print(\"ok\")'"
# `make install PREFIX=...` (and DESTDIR=... for packaging), through the Makefile, from a scratch
# build folder (the module and CLI only, to keep it short); deps is taken as done (-o deps) so
# that a test never runs apt-get. The make we run is not the one that may be running us.
mk() { (cd "$root" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -o deps BUILD="$tmp/b" JOBS=2 \
          CMAKE_ARGS=-DBUILD_TESTING=OFF "$@"); }
check "make install PREFIX=... exits 0" "mk install PREFIX='$tmp/mp' >'$tmp/make.log' 2>&1"
check "and says where it installed, nothing else" \
  "test \"\$(cat '$tmp/make.log')\" = 'installed under $tmp/mp: bin/designkit, the libraries, headers, designkit.pc, the Lua module, the JSON Schemas'"
check "the build was configured for that prefix" \
  "grep -qx 'CMAKE_INSTALL_PREFIX:PATH=$tmp/mp' '$tmp/b/CMakeCache.txt'"
check "the CLI under PREFIX runs a design" \
  "'$tmp/mp/bin/designkit' run '$root/tests/cli/fixtures/simple.lua' --for 1s --quiet"
check "the library, headers and designkit.pc under PREFIX" \
  "test -f '$tmp/mp/include/designkit/designkit.h' && PKG_CONFIG_PATH='$tmp/mp/lib/pkgconfig' pkg-config --exists designkit"
check "stock lua5.4 requires the module from PREFIX" \
  "LUA_PATH='$tmp/mp/share/lua/5.4/?.lua;$tmp/mp/share/lua/5.4/?/init.lua' LUA_CPATH='$tmp/mp/lib/lua/5.4/?.so' \
   lua5.4 -e 'local dk = require \"designkit\"; assert(dk.duration(\"2ms\") == 0.002)'"
check "make install PREFIX=/opt/dk DESTDIR=... stages under DESTDIR" \
  "mk install PREFIX=/opt/dk DESTDIR='$tmp/stage' >'$tmp/make.log' 2>&1 && test -x '$tmp/stage/opt/dk/bin/designkit' && test -f '$tmp/stage/opt/dk/lib/lua/5.4/designkit.so'"
check "make help says how to choose the prefix" "(cd '$root' && make -s help) | grep -q 'PREFIX='"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
