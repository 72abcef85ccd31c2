/* l_cache_replay.c - dk.cache_replay: a block trace through cache policies and sizes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/cache_replay.h"
#include "designkit/file.h"
#include "l_common.h"

static const char *const option_keys[] = {"trace", "text",  "policies", "sizes",
                                          "svg",   "title", NULL};

#define MAX_POLICIES 32
#define MAX_SIZES 64

static void free_trace(void *p)
{
    dk_key_trace_free(p);
}

static void free_text(void *p)
{
    dk_free(p);
}

/* The list at field `name` of the options: its length, checked to be 1..max. */
static lua_Integer list_field(lua_State *L, const char *name, lua_Integer max)
{
    if (lua_getfield(L, 1, name) != LUA_TTABLE)
        luaL_error(L, "cache_replay: %s must be a list (got %s)", name, luaL_typename(L, -1));
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n < 1 || n > max)
        luaL_error(L, "cache_replay: %s must hold 1 to %d entries (got %d)", name, (int)max,
                   (int)n);
    return n;
}

/* policies = {"lru", ...}: each one a policy a replay knows (checked on no keys, so that a
 * misspelt name fails before a long trace is read). Leaves the list on the stack. */
static size_t read_policies(lua_State *L, const char **names)
{
    lua_Integer n = list_field(L, "policies", MAX_POLICIES);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            luaL_error(L, "cache_replay: policies[%d] must be a string", (int)i);
        names[i - 1] = lua_tostring(L, -1);
        lua_pop(L, 1); /* the list keeps the string alive */
        uint64_t hits;
        dk_error err;
        if (dk_cache_replay(NULL, 0, names[i - 1], 1, &hits, &err) != DK_OK)
            luaL_error(L, "cache_replay: %s", err.message);
    }
    return (size_t)n;
}

/* sizes = {1000, 2000, ...}: positive whole numbers, increasing. */
static size_t read_sizes(lua_State *L, uint64_t *sizes)
{
    lua_Integer n = list_field(L, "sizes", MAX_SIZES);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        int ok;
        lua_Integer v = lua_tointegerx(L, -1, &ok);
        if (!ok || v < 1)
            luaL_error(L, "cache_replay: sizes[%d] must be a positive integer (got %s)", (int)i,
                       luaL_tolstring(L, -1, NULL));
        if (i > 1 && (uint64_t)v <= sizes[i - 2])
            luaL_error(L, "cache_replay: sizes must increase (%d after %d)", (int)v,
                       (int)sizes[i - 2]);
        sizes[i - 1] = (uint64_t)v;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return (size_t)n;
}

/* The trace, from `trace` (a path; "-" is standard input) or `text`. NULL with the message
 * pushed: a file that cannot be read or a malformed line is an expected failure. */
static dk_key_trace_t *read_trace(lua_State *L, const char **source)
{
    dk_error err;
    dk_key_trace_t *t;
    int has_path = lua_getfield(L, 1, "trace") != LUA_TNIL;
    int has_text = lua_getfield(L, 1, "text") != LUA_TNIL;
    if (has_path == has_text)
        luaL_error(L, "cache_replay: give trace (a path) or text, one of them");
    if (has_text) {
        size_t len;
        const char *text = luaL_checklstring(L, -1, &len);
        *source = "trace";
        t = dk_key_trace_parse(text, len, "trace", &err);
    } else {
        const char *path = luaL_checkstring(L, -2);
        *source = path;
        int use_stdin = strcmp(path, "-") == 0;
        FILE *f = use_stdin ? stdin : fopen(path, "rb");
        if (f == NULL) {
            lua_pushfstring(L, "%s: %s", path, strerror(errno));
            return NULL;
        }
        t = dk_key_trace_read(f, use_stdin ? "stdin" : path, &err);
        if (!use_stdin)
            fclose(f);
    }
    if (t == NULL) {
        if (err.status == DK_ENOMEM)
            dk_l_raise_status(L, DK_ENOMEM, "%s", err.message);
        lua_pushstring(L, err.message);
    }
    return t;
}

/* Writes the picture to `path` (the write guard asked first), all or nothing. NULL, or the
 * reason pushed. */
static const char *write_svg(lua_State *L, const char *path, const char *title,
                             const char *const *names, size_t np, const uint64_t *sizes, size_t ns,
                             const double *ratios)
{
    const char *why = dk_l_write_denied(L, path);
    if (why != NULL)
        return why;
    dk_error err;
    void **box = dk_l_newbox(L, free_text);
    *box = dk_cache_replay_svg(title, names, np, sizes, ns, ratios, &err);
    if (*box == NULL || dk_file_write_atomic(path, *box, strlen(*box), &err) != DK_OK) {
        dk_l_box_free(L, -1);
        lua_pop(L, 1);
        lua_pushstring(L, err.message);
        return lua_tostring(L, -1);
    }
    dk_l_box_free(L, -1);
    lua_pop(L, 1);
    return NULL;
}

/*
 * dk.cache_replay { trace = path | text = s, policies = {...}, sizes = {...}, svg = path,
 * title = s } -> { requests, policies, sizes, hit_ratio = { [policy] = { ratio per size } } }
 * | nil, message. Programmer mistakes (an unknown policy, sizes not increasing) raise; a trace
 * that cannot be read or has a malformed line, or a picture that cannot be written, is nil
 * and the message (with the line number for a bad line).
 */
static int l_cache_replay(lua_State *L)
{
    const char *names[MAX_POLICIES];
    uint64_t sizes[MAX_SIZES];
    double ratios[MAX_POLICIES * MAX_SIZES]; /* 16 KiB */
    const char *source;

    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    dk_l_check_keys(L, 1, "cache_replay", option_keys);
    size_t np = read_policies(L, names); /* the list stays at 2 */
    size_t ns = read_sizes(L, sizes);
    const char *svg = NULL, *title = NULL;
    if (lua_getfield(L, 1, "svg") != LUA_TNIL)
        svg = luaL_checkstring(L, -1);
    if (lua_getfield(L, 1, "title") != LUA_TNIL)
        title = luaL_checkstring(L, -1);
    void **box = dk_l_newbox(L, free_trace); /* freed if anything below raises */
    int boxi = lua_gettop(L);
    if ((*box = read_trace(L, &source)) == NULL) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    const dk_key_trace_t *t = *box;
    size_t n = dk_key_trace_len(t);

    lua_createtable(L, 0, 4);
    dk_l_set_integer(L, "requests", (lua_Integer)n);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "policies");
    lua_createtable(L, (int)ns, 0);
    for (size_t s = 0; s < ns; s++) {
        lua_pushinteger(L, (lua_Integer)sizes[s]);
        lua_rawseti(L, -2, (lua_Integer)s + 1);
    }
    lua_setfield(L, -2, "sizes");
    lua_createtable(L, 0, (int)np);
    for (size_t p = 0; p < np; p++) {
        lua_createtable(L, (int)ns, 0);
        for (size_t s = 0; s < ns; s++) {
            uint64_t hits = 0;
            dk_error err;
            dk_status st =
                dk_cache_replay(dk_key_trace_keys(t), n, names[p], sizes[s], &hits, &err);
            if (st != DK_OK)
                return dk_l_raise_status(L, st, "cache_replay: %s", err.message);
            ratios[p * ns + s] = n > 0 ? (double)hits / (double)n : 0.0;
            lua_pushnumber(L, ratios[p * ns + s]);
            lua_rawseti(L, -2, (lua_Integer)s + 1);
        }
        lua_setfield(L, -2, names[p]);
    }
    lua_setfield(L, -2, "hit_ratio");
    dk_l_box_free(L, boxi);
    if (svg != NULL) {
        const char *why =
            write_svg(L, svg, title != NULL ? title : source, names, np, sizes, ns, ratios);
        if (why != NULL) {
            luaL_pushfail(L);
            lua_pushstring(L, why);
            return 2;
        }
    }
    return 1;
}

void dk_l_open_cache_replay(lua_State *L)
{
    lua_pushcfunction(L, l_cache_replay);
    lua_setfield(L, -2, "cache_replay");
}
