/* plugin_kind.c - a component kind that exists only in this test, registered from C, and
 * everything the Lua module derives from the registry: m:<kind>, dk.kinds, dk.properties,
 * dk.kind_info, option checks, JSON both ways, check, run, draw and the generated annotations.
 * Proof that a kind is one descriptor and one registration, with no other edit anywhere.
 * Usage: plugin_kind SOURCE_DIR (to find the pure-Lua layer). Exit 0 when every check holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "designkit/kinds.h"

int luaopen_designkit(lua_State *L);

enum { SERVERS, TIME };

static const dk_prop_info gadget_props[] = {
    [SERVERS] = {"servers", DK_PROP_INT, 1, 1000, NULL, "gadgets working at once", 1, "1", 0},
    [TIME] = {"time", DK_PROP_DIST, 0, 1e18, NULL, "time to handle one request", 1e6, "1ms",
              DK_PROP_F_DURATIONS},
};

static void gadget_detail(const dk_comp_t *c, char *buf, size_t size)
{
    snprintf(buf, size, "%.0f gears", dk_comp_number(c, SERVERS));
}

static dk_actor_t *gadget_build(dk_sim_t *sim, const dk_comp_t *c, dk_error *err)
{
    dk_station_config cfg = {.servers = dk_comp_count(c, SERVERS),
                             .service = dk_comp_dist(c, TIME)};
    return dk_sim_add_station(sim, dk_comp_name(c), "gadget", &cfg, err);
}

static const dk_kind_desc gadget = {
    .kind =
        {
            .name = "gadget",
            .doc = "a kind that only this test knows",
            .props = gadget_props,
            .nprops = sizeof gadget_props / sizeof gadget_props[0],
            .traits = DK_TRAIT_ROUTES,
            .replicas_prop = -1,
            .shape = "octagon",
            .detail = gadget_detail,
        },
    .build = gadget_build,
    .metrics = DK_METRIC_BIT(DK_METRIC_THROUGHPUT) | DK_METRIC_BIT(DK_METRIC_UTILISATION),
};

static const char script[] =
    "local dk = require 'designkit'\n"
    "local failed = 0\n"
    "local function check(ok, what) if not ok then failed = failed + 1; print('FAIL: ' .. what) "
    "end end\n"
    "local found = false\n"
    "for _, k in ipairs(dk.kinds) do found = found or k == 'gadget' end\n"
    "check(found, 'dk.kinds lists gadget')\n"
    "check(dk.properties('gadget')[1].name == 'servers', 'dk.properties')\n"
    "local info = dk.kind_info('gadget')\n"
    "check(info.shape == 'octagon' and info.traits.routes and info.metrics[2] == 'utilisation',\n"
    "      'dk.kind_info')\n"
    "local m = dk.model 'plug'\n"
    "local c = m:client 'c' { rate = 100 }\n"
    "local g = m:gadget 'g' { servers = 2, time = '5ms' }\n"
    "m:link(c, g)\n"
    "local ok, err = pcall(function() m:gadget 'bad' { servers = -5 } end)\n"
    "check(not ok and tostring(err):find('gadget \"bad\": servers must be a positive integer', "
    "1, true), 'bad option: ' .. tostring(err))\n"
    "ok, err = pcall(function() m:gadget 'odd' { gears = 1 } end)\n"
    "check(not ok and tostring(err):find('unknown option \"gears\" (valid: servers, time)', 1, "
    "true), 'unknown option: ' .. tostring(err))\n"
    "local text = m:to_json()\n"
    "check(text:find('\"kind\":%s*\"gadget\"'), 'to_json writes the kind')\n"
    "local back = assert(dk.from_json(text))\n"
    "check(back:find('g').kind == 'gadget' and back:find('g').servers == 2, 'from_json reads it')\n"
    "local findings = m:check()\n"
    "check(type(findings) == 'table', 'check runs')\n"
    "local r = m:run { duration = '20s', seed = 3 }\n"
    "local row\n"
    "for _, x in ipairs(r.components) do if x.name == 'g' then row = x end end\n"
    "check(row.name == 'g' and row.kind == 'gadget', 'run reports the gadget')\n"
    "check(math.abs(row.utilisation - 0.25) < 0.03, 'utilisation 100/s x 5ms / 2 = 0.25, got ' "
    ".. tostring(row.utilisation))\n"
    "local path = os.tmpname()\n"
    "assert(m:draw(path .. '.dot'))\n"
    "local f = assert(io.open(path .. '.dot')); local dot = f:read('a'); f:close()\n"
    "os.remove(path .. '.dot'); os.remove(path)\n"
    "check(dot:find('octagon', 1, true) and dot:find('2 gears', 1, true), 'draw uses shape and "
    "detail')\n"
    "local ann = require('designkit.reference').annotations()\n"
    "check(ann:find('function Model:gadget(name, opts) end', 1, true), 'annotations')\n"
    "print(string.format('%d passed, %d failed', 11 - failed, failed))\n"
    "return failed\n";

int main(int argc, char **argv)
{
    dk_error err;
    char path[4096];
    int status = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: plugin_kind SOURCE_DIR\n");
        return 2;
    }
    if (dk_kinds_register(&gadget, &err) != DK_OK) {
        fprintf(stderr, "register: %s\n", err.message);
        return 1;
    }
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    snprintf(path, sizeof path, "%s/bindings/lua/?.lua", argv[1]);
    lua_getglobal(L, "package");
    lua_pushstring(L, path);
    lua_setfield(L, -2, "path");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, luaopen_designkit);
    lua_setfield(L, -2, "designkit");
    lua_pop(L, 2);
    if (luaL_loadstring(L, script) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
        fprintf(stderr, "plugin_kind: %s\n", lua_tostring(L, -1));
    else
        status = lua_tointeger(L, -1) == 0 ? 0 : 1;
    lua_close(L);
    return status;
}
