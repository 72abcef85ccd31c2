-- designkit-scm-1.rockspec - the Lua module (`require "designkit"`) as a rock. From a checkout:
--
--   luarocks --lua-version 5.4 make                      # into the default tree (may need root)
--   luarocks --lua-version 5.4 --tree ~/.luarocks make   # or --local, or any tree
--
-- The C part is built by the project's own CMake (only the module target, no tests, in the
-- RelWithDebInfo configuration the test suite runs), against the system's Lua 5.4, Graphviz and
-- cJSON found through pkg-config; on Debian 12:
-- apt-get install cmake pkg-config liblua5.4-dev libgraphviz-dev libcjson-dev.
-- CMAKE_BUILD_PARALLEL_LEVEL=N builds with N jobs. Nothing is downloaded.
rockspec_format = "3.0"
package = "designkit"
version = "scm-1"

-- `luarocks make` builds the checkout it runs in and never fetches this; designkit is not
-- published on a rocks server.
source = {
  url = "git+file://.",
}

description = {
  summary = "Scriptable design-modelling toolkit: simulate, validate and draw system designs",
  detailed = [[
A C11 core with Lua 5.4 bindings. A design written as a Lua script runs as a deterministic
discrete-event simulation (throughput, latency percentiles, utilisation, hit ratios), is checked
against validation rules and its own expectations, and exports as a Graphviz diagram and as JSON.
]],
  labels = { "simulation", "system-design", "graphviz" },
}

dependencies = {
  "lua >= 5.4, < 5.5",
}

-- Checked by luarocks before the build, so a missing -dev package is named up front instead of
-- surfacing as a compiler error.
external_dependencies = {
  GRAPHVIZ = { header = "graphviz/cgraph.h" },
  CJSON = { header = "cjson/cJSON.h" },
}

-- "command" rather than "cmake": the cmake back-end would install everything CMake installs
-- (the C libraries, headers, pkg-config file, CLI) into the rock's Lua folders. Here CMake
-- builds the module alone and the rock takes only designkit.so and the pure-Lua designkit.*,
-- laid out as `make install` lays them out.
build = {
  type = "command",
  build_command = [[
cmake -S . -B build.luarocks -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
      -DCMAKE_RULE_MESSAGES=OFF -DCMAKE_TARGET_MESSAGES=OFF >/dev/null &&
cmake --build build.luarocks --target designkit_lua
]],
  install_command = [[
mkdir -p "$(LIBDIR)" "$(LUADIR)/designkit" &&
cp build.luarocks/lua/designkit.so "$(LIBDIR)/" &&
cp bindings/lua/designkit/*.lua "$(LUADIR)/designkit/"
]],
}
