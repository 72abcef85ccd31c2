/* sandbox.c - the safe standard library that scripts run with unless --unsafe is given: no
 * processes, no C modules, no debug library, no binary chunks, no locale changes, and writes
 * only inside the folder the user named with --allow-write (and to files the script got from
 * os.tmpname). The host's own outputs are the host's to write (dk_cli_sandbox_privileged). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "cli.h"
#include "l_common.h"

/* Registry key of the sandbox's state: {allow = "/resolved/folder" or absent,
 * named = "the folder as the user wrote it", tmp = {[resolved path] = true}}. Its presence is
 * what "the sandbox is on" means. */
#define STATE_KEY "designkit.sandbox"

/* The modules only the host may hold: they leave package.preload and package.loaded. */
static const char *const host_modules[] = {"designkit.host", "designkit.limits",
                                           "designkit.exercise_host", NULL};

/* The host's own instances of these leave package.loaded: a script that requires one gets a
 * fresh instance of its own, so that changing report.format or spec.run changes nothing the
 * host prints or decides. */
static const char *const host_instances[] = {"designkit.pristine", "designkit.cli",
                                             "designkit.report", "designkit.spec", NULL};

/* Above zero while the host writes an output the user named (host.privileged). Per OS thread:
 * it lifts the rule for the main state only, never for the states of dk.thread. */
static _Thread_local int privileged;

int dk_cli_sandboxed(lua_State *L)
{
    int on = lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY) == LUA_TTABLE;
    lua_pop(L, 1);
    return on;
}

/* Where open(2) would land for `path`: the file itself if it exists (symlinks followed), else
 * its resolved folder plus the last name. A dangling symlink is refused, since writing through
 * it would create its target wherever that is. Returns 0, or -1 with errno set. */
static int resolve(const char *path, char out[PATH_MAX])
{
    char dir[PATH_MAX];
    const char *slash, *base;
    struct stat st;
    size_t n;

    if (realpath(path, out) != NULL)
        return 0;
    if (errno != ENOENT)
        return -1;
    if (lstat(path, &st) == 0) {
        errno = ELOOP;
        return -1;
    }
    slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
        base = path;
    } else {
        n = slash == path ? 1 : (size_t)(slash - path);
        if (n >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
        base = slash + 1;
    }
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        errno = EISDIR;
        return -1;
    }
    if (realpath(dir, out) == NULL)
        return -1;
    n = strlen(out);
    if (n + 1 + strlen(base) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (n > 1)
        out[n++] = '/';
    strcpy(out + n, base);
    return 0;
}

/* Whether the resolved `target` lies strictly below the resolved folder `dir`. */
static int below(const char *target, const char *dir)
{
    size_t n = strlen(dir);
    if (strcmp(dir, "/") == 0)
        return 1;
    return strncmp(target, dir, n) == 0 && target[n] == '/';
}

const char *dk_cli_sandbox_deny(lua_State *L, const char *path)
{
    char target[PATH_MAX];
    int top = lua_gettop(L), allowed;
    const char *allow, *named;

    if (privileged > 0 || lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY) != LUA_TTABLE) {
        lua_settop(L, top);
        return NULL;
    }
    if (resolve(path, target) != 0) {
        /* Let the real call fail with the system's own reason ("No such file or directory"),
         * unless the reason is the sandbox's. */
        int dangling = errno == ELOOP;
        lua_settop(L, top);
        return dangling ? lua_pushfstring(L,
                                          "cannot write \"%s\": a symbolic link that leads "
                                          "nowhere or in circles",
                                          path)
                        : NULL;
    }
    lua_getfield(L, top + 1, "tmp");
    allowed = lua_getfield(L, -1, target) == LUA_TBOOLEAN;
    lua_getfield(L, top + 1, "allow");
    allow = lua_tostring(L, -1);
    lua_getfield(L, top + 1, "named");
    named = lua_tostring(L, -1);
    if (!allowed && allow != NULL && below(target, allow))
        allowed = 1;
    if (allowed) {
        lua_settop(L, top);
        return NULL;
    }
    if (named != NULL)
        lua_pushfstring(L,
                        "cannot write \"%s\": a script may write only inside \"%s\", the "
                        "folder named with --allow-write",
                        path, named);
    else
        lua_pushfstring(L,
                        "cannot write \"%s\": a script may not write files unless the user "
                        "names a folder for it with --allow-write DIR (outputs named on the "
                        "command line, such as -o and --json, are written by designkit itself)",
                        path);
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    return lua_tostring(L, -1);
}

int dk_cli_sandbox_privileged(lua_State *L)
{
    int status, collecting;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    /* No collection meanwhile: a finalizer is the script's code, and it must not run while
     * the rule is lifted. */
    collecting = lua_gc(L, LUA_GCISRUNNING);
    lua_gc(L, LUA_GCSTOP);
    privileged++;
    status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    privileged--;
    if (collecting)
        lua_gc(L, LUA_GCRESTART);
    if (status != LUA_OK)
        return lua_error(L);
    return lua_gettop(L);
}

/* A refused function: raises "FILE:LINE: os.execute is not allowed ..." naming itself
 * (upvalue 1) and the caller's line. */
static int refused(lua_State *L)
{
    luaL_where(L, 1);
    lua_pushfstring(L,
                    "%s is not allowed in the sandbox (run designkit with --unsafe to allow "
                    "it)",
                    lua_tostring(L, lua_upvalueindex(1)));
    lua_concat(L, 2);
    return lua_error(L);
}

/* Calls the original function (upvalue 1) with the current arguments; returns its results. */
static int call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* The io.open convention for a refused write: nil, message, errno. */
static int deny_open(lua_State *L)
{
    lua_pushnil(L);
    lua_insert(L, -2);
    lua_pushinteger(L, EACCES);
    return 3;
}

/* io.open(path [, mode]): reads anywhere, writes ('w', 'a' or '+') where the sandbox allows. */
static int safe_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    const char *mode = luaL_optstring(L, 2, "r");
    if (strpbrk(mode, "wa+") != NULL && dk_cli_sandbox_deny(L, path) != NULL)
        return deny_open(L);
    return call_original(L);
}

/* io.output(path): opens for writing, so the same rule; a file handle or nothing passes. */
static int safe_output(lua_State *L)
{
    if (lua_type(L, 1) == LUA_TSTRING && dk_cli_sandbox_deny(L, lua_tostring(L, 1)) != NULL)
        return lua_error(L);
    return call_original(L);
}

/* os.remove(path) and os.rename(from, to): only what could be written. */
static int safe_remove(lua_State *L)
{
    int i, n = lua_gettop(L) < 2 ? lua_gettop(L) : 2;
    for (i = 1; i <= n; i++) {
        if (dk_cli_sandbox_deny(L, luaL_checkstring(L, i)) != NULL)
            return deny_open(L);
    }
    luaL_checkstring(L, 1);
    return call_original(L);
}

/* os.tmpname(): the file it creates is the script's to write and remove. */
static int safe_tmpname(lua_State *L)
{
    char target[PATH_MAX];
    call_original(L);
    if (lua_type(L, -1) == LUA_TSTRING && realpath(lua_tostring(L, -1), target) != NULL) {
        lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY);
        lua_getfield(L, -1, "tmp");
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, target);
        lua_pop(L, 2);
    }
    return 1;
}

/* load(chunk [, name [, mode [, env]]]) in text mode only: a crafted binary chunk can break
 * the interpreter's memory safety. Whether `env` was given matters to load, so keep the count. */
static int safe_load(lua_State *L)
{
    if (lua_gettop(L) < 3)
        lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    return call_original(L);
}

/* loadfile([file [, mode [, env]]]) in text mode only. */
static int safe_loadfile(lua_State *L)
{
    if (lua_gettop(L) < 2)
        lua_settop(L, 2);
    lua_pushliteral(L, "t");
    lua_replace(L, 2);
    return call_original(L);
}

static int dofile_done(lua_State *L, int status, lua_KContext ctx)
{
    (void)status;
    (void)ctx;
    return lua_gettop(L) - 1;
}

/* dofile([file]) in text mode only; yields through as the stock one does. */
static int safe_dofile(lua_State *L)
{
    const char *name = luaL_optstring(L, 1, NULL);
    lua_settop(L, 1);
    if (luaL_loadfilex(L, name, "t") != LUA_OK)
        return lua_error(L);
    lua_callk(L, 0, LUA_MULTRET, 0, dofile_done);
    return dofile_done(L, LUA_OK, 0);
}

/* The Lua-file searcher of require, in text mode only; upvalue 1 is the package table. */
static int search_lua(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const char *file;
    lua_getfield(L, lua_upvalueindex(1), "searchpath");
    lua_pushvalue(L, 1);
    lua_getfield(L, lua_upvalueindex(1), "path");
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "'package.path' must be a string");
    lua_call(L, 2, 2);
    if (lua_isnil(L, -2))
        return 1; /* the searchpath message: where it looked */
    lua_pop(L, 1);
    file = lua_tostring(L, -1);
    if (luaL_loadfilex(L, file, "t") != LUA_OK)
        return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file,
                          lua_tostring(L, -1));
    lua_pushvalue(L, -2);
    return 2;
}

/* Replaces field `name` of the table on top with `fn`, closed over the original value. */
static void wrap(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
}

/* Replaces field `name` of the table on top with a function that refuses, naming `qualified`. */
static void refuse(lua_State *L, const char *name, const char *qualified)
{
    lua_pushstring(L, qualified);
    lua_pushcclosure(L, refused, 1);
    lua_setfield(L, -2, name);
}

/* os.setlocale: only asked, never changed. A locale with a decimal comma would change how
 * every number after it prints, the host's reports and drawings included. */
static int safe_setlocale(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) {
        luaL_where(L, 1);
        lua_pushliteral(L, "os.setlocale is not allowed in the sandbox, except to ask "
                           "(os.setlocale()); run designkit with --unsafe to change it");
        lua_concat(L, 2);
        return lua_error(L);
    }
    return call_original(L);
}

/* The string metatable's __index in the sandbox: the library as it was when the sandbox went on
 * (upvalue 1) comes first, then the script's own `string` table (upvalue 2). A script may add
 * methods (string.trim, then s:trim()), but replacing string.format cannot change what
 * ("%d"):format(n) does in the host's code. */
static int string_index(lua_State *L)
{
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
        return 1;
    lua_pushvalue(L, 2);
    lua_gettable(L, lua_upvalueindex(2));
    return 1;
}

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

/* Gives the metatable at `idx` a __metatable field: getmetatable then returns a copy (with a
 * copy of its methods), which shows what is there and changes nothing, and setmetatable on
 * the value refuses. */
static void protect(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    push_copy(L, idx);
    if (lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        push_copy(L, -1);
        lua_setfield(L, -3, "__index");
    }
    lua_pop(L, 1);
    lua_setfield(L, idx, "__metatable");
}

/* Strings and files are shared with the host, which formats and writes its reports through
 * their methods: the script gets its own view of both. */
static void protect_shared_metatables(lua_State *L)
{
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        int mt = lua_gettop(L);
        luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
        lua_getfield(L, -1, LUA_STRLIBNAME);
        push_copy(L, -1);
        lua_insert(L, -2);
        lua_pushcclosure(L, string_index, 2);
        lua_setfield(L, mt, "__index");
        lua_pop(L, 1);
        protect(L, mt);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (luaL_getmetatable(L, LUA_FILEHANDLE) == LUA_TTABLE)
        protect(L, -1);
    lua_pop(L, 1);
}

/* Whether resolved folder `dir` is `/` or holds the resolved file `file`. */
static int holds(const char *dir, const char *file)
{
    return strcmp(dir, "/") == 0 || below(file, dir);
}

/* Checks the folder named with --allow-write and stores it, resolved, in the state table on
 * top. Returns NULL, or the reason it is refused (pushed). */
static const char *allow_folder(lua_State *L, const char *named, const char *script, int above)
{
    char dir[PATH_MAX], file[PATH_MAX];
    struct stat st;
    if (realpath(named, dir) == NULL)
        return lua_pushfstring(L, "--allow-write %s: %s", named, strerror(errno));
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return lua_pushfstring(L, "--allow-write %s: not a folder", named);
    if (strcmp(dir, "/") == 0)
        return lua_pushfstring(L,
                               "--allow-write %s: that is the whole file system; name the "
                               "folder the script should write to",
                               named);
    if (!above && script != NULL && realpath(script, file) != NULL && holds(dir, file))
        return lua_pushfstring(L,
                               "--allow-write %s: that folder holds the script itself, which "
                               "could then rewrite itself or anything beside it (.git/hooks, "
                               "say); name a subfolder such as out/, or add "
                               "--allow-write-above if you mean it",
                               named);
    lua_pushstring(L, dir);
    lua_setfield(L, -2, "allow");
    lua_pushstring(L, named);
    lua_setfield(L, -2, "named");
    return NULL;
}

/*
 * host.sandbox([allowed [, script [, above]]]) -> true | nil, message - confines the whole state
 * from now on. `allowed` is the folder the user named with --allow-write (nil: the script
 * writes nothing but its os.tmpname files); it may not be `/`, nor hold `script` unless
 * `above` says the user meant it. The standard library is changed in place rather than handing
 * scripts a separate environment, so that modules a script requires, and coroutines it starts,
 * are confined too. Code loaded before (designkit.cli) keeps the references it took. One-way: a
 * second call raises, so a script cannot move the folder.
 */
static void confine(lua_State *L);

int dk_cli_sandbox_apply(lua_State *L)
{
    const char *named = luaL_optstring(L, 1, NULL);
    const char *script = luaL_optstring(L, 2, NULL);
    int above = lua_toboolean(L, 3);

    if (dk_cli_sandboxed(L))
        return luaL_error(L, "the sandbox is already on");
    lua_createtable(L, 0, 3);
    if (named != NULL && allow_folder(L, named, script, above) != NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_newtable(L);
    lua_setfield(L, -2, "tmp");
    lua_setfield(L, LUA_REGISTRYINDEX, STATE_KEY);
    confine(L);
    lua_pushboolean(L, 1);
    return 1;
}

int dk_cli_sandbox_settings(lua_State *L, char allow[DK_CLI_PATH_MAX], char named[DK_CLI_PATH_MAX])
{
    int top = lua_gettop(L), on = 0;
    allow[0] = named[0] = '\0';
    if (lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY) == LUA_TTABLE) {
        on = 1;
        if (lua_getfield(L, -1, "allow") == LUA_TSTRING && lua_rawlen(L, -1) < DK_CLI_PATH_MAX)
            strcpy(allow, lua_tostring(L, -1));
        if (lua_getfield(L, -2, "named") == LUA_TSTRING && lua_rawlen(L, -1) < DK_CLI_PATH_MAX)
            strcpy(named, lua_tostring(L, -1));
    }
    lua_settop(L, top);
    return on;
}

void dk_cli_sandbox_inherit(lua_State *L, const char *allow, const char *named)
{
    lua_createtable(L, 0, 3);
    if (allow != NULL && allow[0] != '\0') {
        lua_pushstring(L, allow);
        lua_setfield(L, -2, "allow");
        lua_pushstring(L, named);
        lua_setfield(L, -2, "named");
    }
    lua_newtable(L);
    lua_setfield(L, -2, "tmp");
    lua_setfield(L, LUA_REGISTRYINDEX, STATE_KEY);
    confine(L);
}

/* Swaps the standard library of `L` for the safe one, in place; the state table is set. */
static void confine(lua_State *L)
{
    /* The module's own writers (m:draw, m:export) ask the same rule: the host hands it over
     * rather than the module reaching into the host. */
    dk_l_set_write_guard(L, dk_cli_sandbox_deny);
    protect_shared_metatables(L);

    lua_pushglobaltable(L);
    wrap(L, "load", safe_load);
    wrap(L, "loadfile", safe_loadfile);
    lua_pushcfunction(L, safe_dofile);
    lua_setfield(L, -2, "dofile");
    lua_pop(L, 1);

    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);

    lua_getfield(L, -1, LUA_OSLIBNAME);
    refuse(L, "execute", "os.execute");
    refuse(L, "exit", "os.exit");
    wrap(L, "setlocale", safe_setlocale);
    wrap(L, "remove", safe_remove);
    wrap(L, "rename", safe_remove);
    wrap(L, "tmpname", safe_tmpname);
    lua_pop(L, 1);

    lua_getfield(L, -1, LUA_IOLIBNAME);
    refuse(L, "popen", "io.popen");
    wrap(L, "open", safe_open);
    wrap(L, "output", safe_output);
    lua_pop(L, 1);

    /* No C modules: only preloaded ones and Lua files (as text). */
    lua_getfield(L, -1, LUA_LOADLIBNAME);
    refuse(L, "loadlib", "package.loadlib");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_createtable(L, 2, 0);
    lua_getfield(L, -2, "searchers");
    lua_rawgeti(L, -1, 1); /* the preload searcher */
    lua_rawseti(L, -3, 1);
    lua_pop(L, 1);
    lua_pushvalue(L, -2);
    lua_pushcclosure(L, search_lua, 1);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, -2, "searchers");
    /* The host's own services, and its instances of its Lua modules, stay with the code that
     * already holds them. */
    lua_getfield(L, -1, "preload");
    for (const char *const *m = host_modules; *m; m++) {
        lua_pushnil(L);
        lua_setfield(L, -2, *m);
        lua_pushnil(L);
        lua_setfield(L, -4, *m);
    }
    for (const char *const *m = host_instances; *m; m++) {
        lua_pushnil(L);
        lua_setfield(L, -4, *m);
    }
    lua_pop(L, 2);

    /* The debug library can reach any local and upvalue, the sandbox's included; keep only
     * traceback, which is harmless and what xpcall users want. */
    lua_getfield(L, -1, LUA_DBLIBNAME);
    lua_createtable(L, 0, 1);
    if (lua_type(L, -2) == LUA_TTABLE) {
        lua_getfield(L, -2, "traceback");
        lua_setfield(L, -2, "traceback");
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -4, LUA_DBLIBNAME);
    lua_setglobal(L, LUA_DBLIBNAME);
    lua_pop(L, 2);
}
