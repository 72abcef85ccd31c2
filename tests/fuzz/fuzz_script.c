/* fuzz_script.c - libFuzzer target: any text run as a design script inside designkit's sandbox
 * (bindings/cli/sandbox.c, as `designkit run` applies it) with the designkit module loaded.
 * Errors are fine; a crash, a sanitizer report or a leak is not. An instruction count, a wall-
 * clock deadline (Lua's count hook and the simulator's watchdog) and an allocation cap end
 * endless loops and bombs quickly. A script that returns a model has it checked, exported and
 * drawn as the host would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "cli.h"
#include "designkit/designkit.h"
#include "l_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int luaopen_designkit(lua_State *L);

#define MAX_INSTRUCTIONS 2000000 /* Lua instructions per input */
#define HOOK_EVERY 1000
#define MAX_LUA_BYTES (64u << 20)
#define MAX_SECONDS 1.0 /* the simulator's watchdog, for runs that loop in C */

static size_t lua_bytes;
static long instructions;
static struct timespec deadline;

/* Lua's allocator with a cap: a table or string bomb gets "not enough memory" at 64 MiB. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    if (ptr == NULL)
        osize = 0;
    if (nsize == 0) {
        free(ptr);
        lua_bytes -= osize;
        return NULL;
    }
    if (nsize > osize && lua_bytes + (nsize - osize) > MAX_LUA_BYTES)
        return NULL;
    void *p = realloc(ptr, nsize);
    if (p != NULL)
        lua_bytes = lua_bytes - osize + nsize;
    return p;
}

static int past_deadline(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline.tv_sec ||
           (now.tv_sec == deadline.tv_sec && now.tv_nsec > deadline.tv_nsec);
}

/* Raises at every hook once the budget is spent, so a pcall in the script cannot swallow it. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    instructions += HOOK_EVERY;
    if (instructions > MAX_INSTRUCTIONS || past_deadline())
        luaL_error(L, "fuzz: instruction or time budget spent");
}

static dk_status watchdog(void *ud, dk_error *err)
{
    (void)ud;
    if (past_deadline())
        return dk_error_set(err, DK_ELIMIT, "fuzz: time budget spent");
    return DK_OK;
}

/* Runs under lua_pcall: the module, the sandbox, then the script; a returned model is checked,
 * exported and drawn (into memory) as the host's commands would. */
static int run_script(lua_State *L)
{
    const char *text = lua_touserdata(L, 1);
    size_t len = (size_t)lua_tointeger(L, 2);
    lua_settop(L, 0);

    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_designkit);
    lua_setfield(L, -2, "designkit");
    lua_pop(L, 1);
    /* the pure-Lua parts (designkit.dsl, ...) from the source tree, as text */
    lua_getglobal(L, "package");
    lua_pushstring(L, DK_FUZZ_LUA_DIR "/?.lua");
    lua_setfield(L, -2, "path");
    lua_pop(L, 1);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "designkit");
    lua_call(L, 1, 1);
    lua_pop(L, 1);

    lua_pushcfunction(L, dk_cli_sandbox_apply);
    lua_call(L, 0, LUA_MULTRET);
    lua_settop(L, 0);

    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    if (luaL_loadbufferx(L, text, len, "=fuzz.lua", "t") != LUA_OK)
        return 0;
    lua_call(L, 0, 1);
    if (luaL_testudata(L, 1, DK_MT_MODEL) == NULL)
        return 0;
    static const char *const methods[] = {"check", "to_json", NULL};
    for (const char *const *m = methods; *m != NULL; m++) {
        if (lua_getfield(L, 1, *m) != LUA_TFUNCTION) {
            lua_pop(L, 1);
            continue;
        }
        lua_pushvalue(L, 1);
        lua_call(L, 1, 0);
    }
    lmodel *lm = luaL_testudata(L, 1, DK_MT_MODEL);
    if (lm != NULL && lm->m != NULL && lm->run == NULL &&
        dk_model_comp_count(lm->m) <= DK_DRAW_SUMMARY_AT) {
        char *dot = NULL;
        size_t dot_len;
        dk_error err;
        if (dk_draw_render(lm->m, NULL, DK_DRAW_DOT, &dot, &dot_len, &err) == DK_OK)
            dk_free(dot);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_bytes = 0;
    instructions = 0;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += (long)(MAX_SECONDS * 1e9);
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    dk_sim_set_watchdog(watchdog, NULL);

    lua_State *L = lua_newstate(capped_alloc, NULL);
    if (L == NULL)
        return 0;
    luaL_openlibs(L);
    lua_pushcfunction(L, run_script);
    lua_pushlightuserdata(L, (void *)data);
    lua_pushinteger(L, (lua_Integer)size);
    (void)lua_pcall(L, 2, 0, 0); /* any error is the script's: fine */
    lua_close(L);
    return 0;
}
