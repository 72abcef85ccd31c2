/* l_designkit.c - luaopen_designkit: builds the module table from every glue file. */
#include "l_common.h"

#define DK_MT_BOX "designkit.box"

typedef struct box {
    void *p;
    dk_l_free_fn fr;
} box;

void **dk_l_newbox(lua_State *L, dk_l_free_fn fr)
{
    box *b = (box *)lua_newuserdatauv(L, sizeof *b, 0);
    b->p = NULL;
    b->fr = fr;
    luaL_setmetatable(L, DK_MT_BOX);
    return &b->p;
}

void dk_l_box_free(lua_State *L, int idx)
{
    box *b = (box *)luaL_checkudata(L, idx, DK_MT_BOX);
    if (b->p != NULL)
        b->fr(b->p);
    b->p = NULL;
}

static int box_gc(lua_State *L)
{
    dk_l_box_free(L, 1);
    return 0;
}

int dk_l_raise(lua_State *L, const dk_error *err)
{
    return luaL_error(L, "%s", err->message[0] ? err->message : dk_strerror(err->status));
}

/* The pure-Lua layer: each module adds to the partial table in package.loaded. */
static const char *const lua_parts[] = {"designkit.dsl", "designkit.estimate", NULL};

int luaopen_designkit(lua_State *L);

int luaopen_designkit(lua_State *L)
{
    luaL_newmetatable(L, DK_MT_BOX);
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);

    lua_newtable(L);
    int mod = lua_gettop(L);
    lua_pushliteral(L, DK_VERSION);
    lua_setfield(L, mod, "version");
    dk_l_open_units(L);
    dk_l_open_dist(L);
    dk_l_open_model(L);
    dk_l_open_run(L);
    dk_l_open_export(L);
    dk_l_open_json(L);

    /* Stored before the Lua parts load, since they require "designkit" themselves. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_pushvalue(L, mod);
    lua_setfield(L, -2, "designkit");
    lua_pop(L, 1);
    for (const char *const *p = lua_parts; *p; p++) {
        lua_getglobal(L, "require");
        lua_pushstring(L, *p);
        lua_call(L, 1, 0);
    }
    lua_settop(L, mod);
    return 1;
}
