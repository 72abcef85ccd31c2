/* host.c - the module "designkit.host": the few services cli.lua needs from C (terminals,
 * durations, atomic writes, the sandbox switch, exit codes, suggestions). Only the executable
 * carries it. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "designkit/designkit.h"

/* isatty(fd): whether a progress bar or colours make sense on that descriptor. */
static int host_isatty(lua_State *L)
{
    lua_Integer fd = luaL_checkinteger(L, 1);
    lua_pushboolean(L, fd >= 0 && fd <= 2 && isatty((int)fd));
    return 1;
}

/* parse_duration(text) -> nanoseconds | nil, message. The core's own parser, so that the
 * command line accepts exactly what a script does ("90s", "2m", "1.5h"). */
static int host_parse_duration(lua_State *L)
{
    const char *text = luaL_checkstring(L, 1);
    int64_t ns;
    dk_error err;
    dk_error_clear(&err);
    if (dk_parse_duration(text, &ns, &err) != DK_OK) {
        lua_pushnil(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushinteger(L, (lua_Integer)ns);
    return 1;
}

/* format_duration(seconds) -> "2.5ms": the same short forms the core uses. */
static int host_format_duration(lua_State *L)
{
    double s = luaL_checknumber(L, 1);
    char buf[64];
    dk_format_duration((int64_t)(s * 1e9 + (s >= 0 ? 0.5 : -0.5)), buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

/* write_atomic(path, data) -> true | nil, message. Nothing half-written: a temporary file in
 * the same folder renamed into place. Honours the sandbox. */
static int host_write_atomic(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    const char *why = dk_cli_sandbox_deny(L, path);
    dk_error err;
    if (why != NULL) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    dk_error_clear(&err);
    if (dk_file_write_atomic(path, data, len, &err) != DK_OK) {
        lua_pushnil(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* check_output(path) -> true | nil, message: whether `path` could be written, asked before a
 * long run rather than after it. The folder must exist and be writable, the path must not be a
 * folder, and the sandbox must allow it. */
static int host_check_output(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *slash = strrchr(path, '/');
    const char *why, *dir, *reason = NULL;
    struct stat st;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        lua_pushnil(L);
        lua_pushfstring(L, "cannot write \"%s\": it is a folder", path);
        return 2;
    }
    if (slash == NULL)
        lua_pushliteral(L, ".");
    else if (slash == path)
        lua_pushliteral(L, "/");
    else
        lua_pushlstring(L, path, (size_t)(slash - path));
    dir = lua_tostring(L, -1);
    if (stat(dir, &st) != 0)
        reason = strerror(errno);
    else if (!S_ISDIR(st.st_mode))
        reason = strerror(ENOTDIR);
    else if (access(dir, W_OK) != 0)
        reason = strerror(errno);
    if (reason != NULL) {
        lua_pushnil(L);
        lua_pushfstring(L, "cannot write \"%s\": %s", path, reason);
        return 2;
    }
    lua_pop(L, 1);
    why = dk_cli_sandbox_deny(L, path);
    if (why != NULL) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

int dk_cli_exit_code(const char *status)
{
    if (status == NULL || strcmp(status, "internal") == 0 || strcmp(status, "nomem") == 0)
        return DK_EXIT_INTERNAL;
    return DK_EXIT_BAD_INPUT;
}

/* exit_code(status) -> integer: dk_cli_exit_code, for cli.lua's error objects. */
static int host_exit_code(lua_State *L)
{
    lua_pushinteger(L, dk_cli_exit_code(luaL_optstring(L, 1, NULL)));
    return 1;
}

/* suggest(word, { name, ... }) -> the nearest name | nil: "did you mean ...?" for flags and
 * commands, by the same rule as the module's option keys (dk_suggest). */
static int host_suggest(lua_State *L)
{
    const char *word = luaL_checkstring(L, 1);
    dk_suggest s;
    luaL_checktype(L, 2, LUA_TTABLE);
    dk_suggest_init(&s, word);
    for (lua_Integer i = 1; lua_rawgeti(L, 2, i) == LUA_TSTRING; i++) {
        dk_suggest_add(&s, lua_tostring(L, -1)); /* anchored by the table */
        lua_pop(L, 1);
    }
    const char *best = dk_suggest_best(&s);
    if (best == NULL)
        return 0;
    lua_pushstring(L, best);
    return 1;
}

/* memory_limit() -> DESIGNKIT_MAX_MEMORY as written, or nil. */
static int host_memory_limit(lua_State *L)
{
    const char *text = dk_cli_memory_limit();
    if (text == NULL)
        return 0;
    lua_pushstring(L, text);
    return 1;
}

/* sandboxed() -> boolean. */
static int host_sandboxed(lua_State *L)
{
    lua_pushboolean(L, dk_cli_sandboxed(L));
    return 1;
}

int dk_cli_open_host(lua_State *L)
{
    static const luaL_Reg functions[] = {
        {"isatty", host_isatty},
        {"parse_duration", host_parse_duration},
        {"format_duration", host_format_duration},
        {"write_atomic", host_write_atomic},
        {"check_output", host_check_output},
        {"sandbox", dk_cli_sandbox_apply},
        {"sandboxed", host_sandboxed},
        {"exit_code", host_exit_code},
        {"suggest", host_suggest},
        {"memory_limit", host_memory_limit},
        {NULL, NULL},
    };
    luaL_newlib(L, functions);
    lua_pushliteral(L, DK_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
