/* l_designkit.c - luaopen_designkit: builds the module table from every glue file. */
#include "l_common.h"

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
static const char *const lua_parts[] = {"designkit.dsl", "designkit.estimate", "designkit.explore",
                                        NULL};

int luaopen_designkit(lua_State *L);

/* Pushes a shallow copy of the table at `idx`. */
static void push_copy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    for (lua_pushnil(L); lua_next(L, idx) != 0;) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/*
 * A script must not change how designkit's objects behave for the code that runs after it: a
 * design loaded by a spec could otherwise swap m.run or a result's methods and turn a failing
 * spec into a pass. Each metatable gets a __metatable field, so getmetatable returns a copy
 * (with a copy of a methods table) that shows what is there and changes nothing, and
 * setmetatable refuses. debug.getmetatable still reaches the real one, which is why the
 * sandbox keeps no debug library.
 */
static void protect_metatables(lua_State *L)
{
    static const char *const names[] = {
#define NAME(n) n,
        DK_L_METATABLES(NAME)
#undef NAME
            NULL};
    for (const char *const *n = names; *n; n++) {
        if (luaL_getmetatable(L, *n) != LUA_TTABLE) {
            lua_pop(L, 1);
            continue;
        }
        push_copy(L, -1);
        if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
            push_copy(L, -1);
            lua_setfield(L, -3, "__index");
        }
        lua_pop(L, 1);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
}

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
    dk_l_open_splitwise(L);
    dk_l_open_snakes(L);
    dk_l_open_resilience(L);
    dk_l_open_elevator(L);
    dk_l_open_atm(L);
    dk_l_open_parking(L);
    dk_l_open_statemachine(L);
    dk_l_open_classes(L);
    dk_l_open_sync(L);
    dk_l_open_thread(L);
    dk_l_open_pool(L);
    dk_l_open_queues(L);
    dk_l_open_shard(L);
    dk_l_open_limiter(L);
    dk_l_open_hash(L);
    dk_l_open_balancer(L);
    dk_l_open_storage(L);
    dk_l_open_cache(L);
    dk_l_open_cache_replay(L);

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
    protect_metatables(L);
    lua_settop(L, mod);
    return 1;
}
