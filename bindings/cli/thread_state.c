/* thread_state.c - the host's state factory for dk.thread and dk.pool (bindings/lua/l_thread.h):
 * a thread's state is made as the main one is, so that the safe mode holds inside threads: on
 * the one memory budget, with the count hook that sees the limits and the signals' stop, with
 * designkit and its Lua modules preloaded (never the host's own), and, when the state starting
 * it is sandboxed, under the same sandbox with the same --allow-write folder. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "cli.h"
#include "l_thread.h"

static lua_State *open_state(lua_State *parent, dk_error *err);
static const dk_l_state_factory factory = {open_state, dk_cli_memory_close_state};

typedef struct settings {
    int sandboxed;
    char allow[DK_CLI_PATH_MAX], named[DK_CLI_PATH_MAX];
} settings;

/* Runs in the new state, protected (upvalue-free: the settings come as a light userdata). */
static int setup(lua_State *L)
{
    const settings *s = lua_touserdata(L, 1);
    luaL_openlibs(L);
    dk_cli_preload(L, 0);
    dk_l_set_state_factory(L, &factory);
    if (s->sandboxed)
        dk_cli_sandbox_inherit(L, s->allow, s->named);
    return 0;
}

static lua_State *open_state(lua_State *parent, dk_error *err)
{
    static _Thread_local settings s; /* two paths of PATH_MAX: off the stack */
    s.sandboxed = dk_cli_sandbox_settings(parent, s.allow, s.named);
    lua_State *L = dk_cli_memory_new_state();
    if (L == NULL)
        return dk_error_set(err, DK_ENOMEM, "not enough memory for a new Lua state"), NULL;
    dk_cli_limits_attach(L, parent);
    lua_pushcfunction(L, setup);
    lua_pushlightuserdata(L, &s);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        dk_error_set(err, DK_ENOMEM, "%s",
                     lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "not enough memory");
        dk_cli_memory_close_state(L);
        return NULL;
    }
    return L;
}

void dk_cli_threads_install(lua_State *L)
{
    dk_l_set_state_factory(L, &factory);
}
