/* host.c - the module "designkit.host": the few services cli.lua needs from C (terminals,
 * durations, atomic writes, the sandbox switch, exit codes, suggestions). Only the executable
 * carries it. */
#include <errno.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli.h"
#include "designkit/designkit.h"
#include "l_common.h"

/* The metatable of the host's own exits (host.exit): only code holding the host module can make
 * one, and the host module is gone from a script's reach once the sandbox is on. */
#define EXIT_MT "designkit.exit"

/* The least exit code the process may end with, whatever the Lua side returns: raised by the
 * verdicts the host hands to C (host.judge, host.record_failures), read by main.c. */
static int verdict_floor = DK_EXIT_OK;

int dk_cli_verdict_floor(void)
{
    return verdict_floor;
}

static void raise_floor(int code)
{
    if (code > verdict_floor)
        verdict_floor = code;
}

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
 * the same folder renamed into place. Only the host calls it, for outputs the user named on the
 * command line, so the sandbox (which confines the script) is not asked. */
static int host_write_atomic(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    size_t len;
    const char *data = luaL_checklstring(L, 2, &len);
    dk_error err;
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
 * long run rather than after it. The folder must exist and be writable and the path must not be
 * a folder. */
static int host_check_output(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *slash = strrchr(path, '/');
    const char *dir, *reason = NULL;
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

/* exit(code, message): ends the command with `code`, main.c printing "designkit: message".
 * Raised as an error so that it unwinds the Lua side, as an object no script can make. */
static int host_exit(lua_State *L)
{
    lua_Integer code = luaL_checkinteger(L, 1);
    size_t len;
    const char *message = luaL_optlstring(L, 2, "", &len);
    luaL_argcheck(L, code >= 0 && code <= 255, 1, "an exit code is 0 to 255");
    int *box = (int *)lua_newuserdatauv(L, sizeof *box, 1);
    *box = (int)code;
    lua_pushlstring(L, message, len);
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, EXIT_MT);
    return lua_error(L);
}

int dk_cli_exit_of(lua_State *L, int idx, const char **message)
{
    int *box = (int *)luaL_testudata(L, idx, EXIT_MT);
    if (box == NULL)
        return -1;
    lua_getiuservalue(L, idx, 1);
    *message = lua_tostring(L, -1); /* anchored by the userdata */
    lua_pop(L, 1);
    return *box;
}

/* judge(result) -> boolean: whether the run met its expectations, decided in C from the run
 * itself (dk_l_result_passed); a failed verdict keeps the exit code at 1 or above, whatever
 * the Lua side returns afterwards. */
static int host_judge(lua_State *L)
{
    int passed = dk_l_result_passed(L, 1);
    if (passed < 0)
        return luaL_argerror(L, 1, "not the result of a run");
    if (!passed)
        raise_floor(DK_EXIT_FAILED);
    lua_pushboolean(L, passed);
    return 1;
}

/* judge_check(model, strict) -> boolean: whether `designkit check` passes, decided in C by
 * validating the model again: no error, and with `strict` no warning either. A failure keeps
 * the exit code at 1 or above, as host.judge does for a run. */
static int host_judge_check(lua_State *L)
{
    lmodel *lm = (lmodel *)luaL_checkudata(L, 1, DK_MT_MODEL);
    int strict = lua_toboolean(L, 2);
    dk_status st;
    luaL_argcheck(L, lm->m != NULL, 1, "the model is closed");
    dk_findings_t *f = dk_model_validate(lm->m, &st);
    if (f == NULL)
        return luaL_error(L, "check: %s", dk_strerror(st));
    size_t warnings = 0, errors = dk_findings_errors(f);
    for (size_t i = 0; i < dk_findings_count(f); i++)
        warnings += dk_findings_at(f, i)->severity == DK_SEV_WARNING;
    dk_findings_free(f);
    int passed = errors == 0 && !(strict && warnings > 0);
    if (!passed)
        raise_floor(DK_EXIT_FAILED);
    lua_pushboolean(L, passed);
    return 1;
}

/* record_failures(n): n specs failed (n > 0 keeps the exit code at 1 or above). */
static int host_record_failures(lua_State *L)
{
    if (luaL_checkinteger(L, 1) > 0)
        raise_floor(DK_EXIT_FAILED);
    return 0;
}

/* is_model(v) -> boolean: a model userdata, told by its metatable, which no script can forge. */
static int host_is_model(lua_State *L)
{
    lua_pushboolean(L, luaL_testudata(L, 1, DK_MT_MODEL) != NULL);
    return 1;
}

/* pin_locale(): numbers print with a point again, whatever locale a script (--unsafe) chose;
 * called before the host formats its reports. */
static int host_pin_locale(lua_State *L)
{
    (void)L;
    setlocale(LC_NUMERIC, "C");
    return 0;
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
        {"exit", host_exit},
        {"judge", host_judge},
        {"judge_check", host_judge_check},
        {"record_failures", host_record_failures},
        {"is_model", host_is_model},
        {"pin_locale", host_pin_locale},
        {"privileged", dk_cli_sandbox_privileged},
        {NULL, NULL},
    };
    if (luaL_newmetatable(L, EXIT_MT)) {
        lua_pushliteral(L, "designkit: the host's exit");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    luaL_newlib(L, functions);
    lua_pushliteral(L, DK_VERSION);
    lua_setfield(L, -2, "version");
    return 1;
}
