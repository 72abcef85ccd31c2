/* l_json.c - dk.json: Lua values to JSON text and back, through the core's JSON (json.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designkit/json.h"
#include "l_common.h"

/* The null sentinel is upvalue 1 of encode and decode. */
#define NULL_SENTINEL lua_upvalueindex(1)

static void free_writer(void *p)
{
    dk_json_writer_free((dk_json_writer_t *)p);
}

static void free_doc(void *p)
{
    dk_json_doc_free((dk_json_doc_t *)p);
}

/* ---- encode ---- */

/* One step of the path from the value given to encode: a key, or an index when key is NULL.
 * Keys point into the tables being encoded, which stay on the stack while the step exists. */
typedef struct step {
    const char *key;
    size_t len;
    lua_Integer index;
} step;

typedef struct encoder {
    lua_State *L;
    dk_json_writer_t *w;
    int seen; /* stack index of a table: each table being encoded -> its depth */
    size_t depth;
    step path[DK_JSON_MAX_DEPTH + 1];
} encoder;

static int is_identifier(const char *s, size_t len)
{
    if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* Whether `s` has the shape of UTF-8: each lead byte followed by as many continuation bytes
 * as it announces. Enough to keep a message readable (the writer does the strict check). */
static int utf8_shaped(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i++];
        size_t more = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 4;
        if (more == 4 || c > 0xF4 || len - i < more)
            return 0;
        for (; more > 0; more--)
            if (((unsigned char)s[i++] & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void add_step(luaL_Buffer *b, const step *s)
{
    char buf[32];
    if (s->key == NULL) {
        snprintf(buf, sizeof buf, "[%lld]", (long long)s->index);
        luaL_addstring(b, buf);
    } else if (is_identifier(s->key, s->len)) {
        luaL_addchar(b, '.');
        luaL_addlstring(b, s->key, s->len);
    } else { /* ["a key"], shortened; control characters, and every byte above ASCII when
                the key is not UTF-8, shown as '?' so that the message itself stays text */
        int ascii_only = !utf8_shaped(s->key, s->len);
        luaL_addstring(b, "[\"");
        for (size_t i = 0; i < s->len && i < 40; i++) {
            unsigned char c = (unsigned char)s->key[i];
            luaL_addchar(b, c < 0x20 || c == 0x7F || (c >= 0x80 && ascii_only) ? '?' : (char)c);
        }
        luaL_addstring(b, s->len > 40 ? "...\"]" : "\"]");
    }
}

/* Pushes "value.servers[3]" for the first `n` steps; a long path keeps its two ends. */
static void push_path(encoder *e, size_t n)
{
    luaL_Buffer b;
    luaL_buffinit(e->L, &b);
    luaL_addstring(&b, "value");
    for (size_t i = 0; i < n; i++) {
        if (n > 24 && i == 4) {
            luaL_addstring(&b, "...");
            i = n - 16;
        }
        add_step(&b, &e->path[i]);
    }
    luaL_pushresult(&b);
}

/* Raises "encode: value.servers[3]: <message>". The writer and the text are in boxes, so the
 * error frees them. */
static int fail(encoder *e, const char *fmt, ...)
{
    lua_State *L = e->L;
    va_list ap;
    luaL_checkstack(L, 4, "encode");
    push_path(e, e->depth);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return luaL_error(L, "encode: %s: %s", lua_tostring(L, -2), lua_tostring(L, -1));
}

/* After a writer call: a failure it reports (bad UTF-8, depth, memory) becomes the error. */
static void check(encoder *e, dk_status st)
{
    if (st != DK_OK)
        fail(e, "%s", dk_json_writer_error(e->w));
}

static void encode_value(encoder *e, int idx);

typedef struct keyref {
    const char *s;
    size_t len;
} keyref;

/* Byte order, as memcmp sees it: the same in every locale, so the text is too. */
static int by_bytes(const void *a, const void *b)
{
    const keyref *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (c != 0)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* What kinds of keys a table has, to tell an array from an object and say what is wrong. */
typedef struct keyscan {
    size_t n, strings, positive; /* all keys, string keys, integer keys >= 1 */
    lua_Integer max, min;        /* the largest positive and smallest other integer key */
    int nonpositive, floats, other;
    lua_Number min_float;
    const char *other_type; /* a key of a type JSON cannot have, the first in a fixed order */
} keyscan;

static void scan_keys(lua_State *L, int t, keyscan *k)
{
    static const int order[] = {LUA_TBOOLEAN,  LUA_TTABLE,         LUA_TFUNCTION,
                                LUA_TUSERDATA, LUA_TLIGHTUSERDATA, LUA_TTHREAD};
    int best = (int)(sizeof order / sizeof order[0]);

    memset(k, 0, sizeof *k);
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pop(L, 1);
        k->n++;
        int type = lua_type(L, -1);
        if (type == LUA_TSTRING) {
            k->strings++;
        } else if (lua_isinteger(L, -1)) {
            lua_Integer i = lua_tointeger(L, -1);
            if (i >= 1) {
                k->positive++;
                if (i > k->max)
                    k->max = i;
            } else if (!k->nonpositive++ || i < k->min) {
                k->min = i;
            }
        } else if (type == LUA_TNUMBER) {
            lua_Number f = lua_tonumber(L, -1);
            if (!k->floats++ || f < k->min_float)
                k->min_float = f;
        } else {
            k->other++;
            for (int r = 0; r < best; r++)
                if (order[r] == type) {
                    best = r;
                    k->other_type = lua_typename(L, type);
                }
        }
    }
}

static void encode_array(encoder *e, int t, lua_Integer n)
{
    lua_State *L = e->L;
    check(e, dk_json_open_array(e->w));
    for (lua_Integer i = 1; i <= n; i++) {
        e->path[e->depth].key = NULL;
        e->path[e->depth].index = i;
        e->depth++;
        lua_rawgeti(L, t, i);
        encode_value(e, lua_gettop(L));
        lua_pop(L, 1);
        e->depth--;
    }
    check(e, dk_json_close_array(e->w));
}

/* Members in key order. The key strings are keys of `t`, which is on the stack and not changed
 * while it is encoded (no Lua code runs), so their bytes stay where they are. */
static void encode_object(encoder *e, int t, size_t n)
{
    lua_State *L = e->L;
    keyref *keys = (keyref *)lua_newuserdatauv(L, n * sizeof *keys, 0);
    size_t i = 0;

    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        lua_pop(L, 1);
        keys[i].s = lua_tolstring(L, -1, &keys[i].len);
        i++;
    }
    qsort(keys, n, sizeof *keys, by_bytes);
    check(e, dk_json_open_object(e->w));
    for (i = 0; i < n; i++) {
        e->path[e->depth].key = keys[i].s;
        e->path[e->depth].len = keys[i].len;
        e->depth++;
        check(e, dk_json_put_key(e->w, keys[i].s, keys[i].len));
        lua_pushlstring(L, keys[i].s, keys[i].len);
        lua_rawget(L, t);
        encode_value(e, lua_gettop(L));
        lua_pop(L, 1);
        e->depth--;
    }
    check(e, dk_json_close_object(e->w));
    lua_pop(L, 1); /* keys */
}

/* A table is an array when its keys are exactly 1..n (an empty table is an empty array), an
 * object when they are all strings; anything else has no JSON form and says why. */
static void encode_table(encoder *e, int t)
{
    lua_State *L = e->L;
    keyscan k;

    lua_pushvalue(L, t);
    if (lua_rawget(L, e->seen) != LUA_TNIL) {
        lua_Integer first = lua_tointeger(L, -1);
        lua_pop(L, 1);
        push_path(e, (size_t)first);
        fail(e, "a cycle: this is the same table as %s", lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    if (e->depth >= DK_JSON_MAX_DEPTH)
        fail(e, "nested deeper than %d levels", DK_JSON_MAX_DEPTH);
    lua_pushvalue(L, t);
    lua_pushinteger(L, (lua_Integer)e->depth);
    lua_rawset(L, e->seen);

    scan_keys(L, t, &k);
    if (k.n == 0 || (k.positive == k.n && (lua_Unsigned)k.max == (lua_Unsigned)k.n)) {
        encode_array(e, t, (lua_Integer)k.n);
    } else if (k.strings == k.n) {
        encode_object(e, t, k.n);
    } else if (k.other > 0) {
        fail(e, "keys must be strings (got a %s key)", k.other_type);
    } else if (k.floats > 0) {
        fail(e, "keys must be strings (got the number key %s)",
             lua_pushfstring(L, "%f", k.min_float));
    } else if (k.strings > 0) {
        fail(e, "mixes string keys with array items (JSON has objects or arrays)");
    } else if (k.nonpositive > 0) {
        fail(e, "array items run from [1] (got the key %I)", (LUAI_UACINT)k.min);
    } else {
        lua_Integer missing = 1;
        while (lua_rawgeti(L, t, missing) != LUA_TNIL) {
            lua_pop(L, 1);
            missing++;
        }
        fail(e, "sparse array: no item [%I] before item [%I] (JSON arrays have no holes)",
             (LUAI_UACINT)missing, (LUAI_UACINT)k.max);
    }

    lua_pushvalue(L, t);
    lua_pushnil(L);
    lua_rawset(L, e->seen);
}

static void encode_value(encoder *e, int idx)
{
    lua_State *L = e->L;

    luaL_checkstack(L, 8, "encode");
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        check(e, dk_json_put_null(e->w));
        return;
    case LUA_TBOOLEAN:
        check(e, dk_json_put_bool(e->w, lua_toboolean(L, idx)));
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            check(e, dk_json_put_integer(e->w, (int64_t)lua_tointeger(L, idx)));
        } else {
            lua_Number d = lua_tonumber(L, idx);
            if (!isfinite(d))
                fail(e, "cannot encode %s (JSON numbers are finite)",
                     d != d  ? "nan"
                     : d > 0 ? "inf"
                             : "-inf");
            check(e, dk_json_put_number(e->w, d));
        }
        return;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        check(e, dk_json_put_string(e->w, s, len));
        return;
    }
    case LUA_TTABLE:
        encode_table(e, idx);
        return;
    case LUA_TUSERDATA:
        if (lua_rawequal(L, idx, NULL_SENTINEL)) {
            check(e, dk_json_put_null(e->w));
            return;
        }
        if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING)
            fail(e, "cannot encode a %s", lua_tostring(L, -1));
        fail(e, "cannot encode a userdata");
        return;
    default:
        fail(e, "cannot encode a %s", luaL_typename(L, idx));
        return;
    }
}

static const char *const encode_keys[] = {"pretty", NULL};

/* dk.json.encode(value [, { pretty = bool }]) -> text. Raises for what JSON cannot hold,
 * naming where it is: encode: value.servers[3]: cannot encode a function */
static int j_encode(lua_State *L)
{
    int pretty = 0;

    luaL_checkany(L, 1);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        dk_l_check_keys(L, 2, "encode", encode_keys);
        if (lua_getfield(L, 2, "pretty") != LUA_TNIL) {
            if (!lua_isboolean(L, -1))
                return luaL_error(L, "encode: pretty must be a boolean (got %s)",
                                  luaL_typename(L, -1));
            pretty = lua_toboolean(L, -1);
        }
    }
    lua_settop(L, 2);

    dk_json_writer_t **w = (dk_json_writer_t **)dk_l_newbox(L, free_writer);
    int widx = lua_gettop(L);
    *w = dk_json_writer_new(pretty ? DK_JSON_PRETTY : DK_JSON_COMPACT, NULL);
    if (*w == NULL)
        return luaL_error(L, "encode: out of memory");
    lua_newtable(L);

    /* The encoder holds a step per level; it lives in a userdata rather than on a C stack. */
    encoder *e = (encoder *)lua_newuserdatauv(L, sizeof *e, 0);
    e->L = L;
    e->w = *w;
    e->seen = widx + 1;
    e->depth = 0;
    encode_value(e, 1);

    char **text = (char **)dk_l_newbox(L, dk_free);
    int tidx = lua_gettop(L);
    size_t len;
    dk_error err;
    if (dk_json_writer_finish(*w, text, &len, &err) != DK_OK)
        return luaL_error(L, "encode: %s", err.message);
    lua_pushlstring(L, *text, len);
    dk_l_box_free(L, tidx);
    dk_l_box_free(L, widx);
    return 1;
}

/* ---- decode ---- */

static void push_value(lua_State *L, const dk_json_value_t *v)
{
    luaL_checkstack(L, 4, "decode");
    switch (dk_json_type_of(v)) {
    case DK_JSON_NULL:
        lua_pushvalue(L, NULL_SENTINEL);
        return;
    case DK_JSON_BOOL:
        lua_pushboolean(L, dk_json_bool(v));
        return;
    case DK_JSON_NUMBER: {
        int64_t i;
        if (dk_json_integer(v, &i))
            lua_pushinteger(L, (lua_Integer)i);
        else
            lua_pushnumber(L, dk_json_number(v));
        return;
    }
    case DK_JSON_STRING: {
        size_t len;
        const char *s = dk_json_string(v, &len);
        lua_pushlstring(L, s, len);
        return;
    }
    case DK_JSON_ARRAY: {
        size_t n = dk_json_count(v);
        lua_Integer i = 0;
        lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
        for (const dk_json_value_t *c = dk_json_first(v); c != NULL; c = dk_json_next(c)) {
            push_value(L, c);
            lua_rawseti(L, -2, ++i);
        }
        return;
    }
    case DK_JSON_OBJECT: {
        size_t n = dk_json_count(v);
        lua_createtable(L, 0, n < INT32_MAX ? (int)n : 0);
        for (const dk_json_value_t *c = dk_json_first(v); c != NULL; c = dk_json_next(c)) {
            size_t len;
            const char *k = dk_json_key(c, &len);
            lua_pushlstring(L, k, len);
            push_value(L, c);
            lua_rawset(L, -3);
        }
        return;
    }
    }
}

/* dk.json.decode(text [, source]) -> value | nil, "source:line:col: message". A wrong argument
 * type raises; malformed text is an expected failure and returns. */
static int j_decode(lua_State *L)
{
    size_t len;
    const char *source = "json";

    luaL_checktype(L, 1, LUA_TSTRING);
    const char *text = lua_tolstring(L, 1, &len);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TSTRING);
        source = lua_tostring(L, 2);
    }
    lua_settop(L, 2);

    dk_json_doc_t **doc = (dk_json_doc_t **)dk_l_newbox(L, free_doc);
    int didx = lua_gettop(L);
    dk_error err;
    *doc = dk_json_parse(text, len, source, 0, &err);
    if (*doc == NULL) {
        if (err.status == DK_ENOMEM)
            return luaL_error(L, "decode: %s", err.message);
        luaL_pushfail(L);
        lua_pushstring(L, err.message);
        return 2;
    }
    push_value(L, dk_json_root(*doc));
    dk_l_box_free(L, didx);
    return 1;
}

/* ---- the table ---- */

static int null_tostring(lua_State *L)
{
    lua_pushliteral(L, "dk.json.null");
    return 1;
}

static const luaL_Reg null_metameth[] = {
    {"__tostring", null_tostring},
    {NULL, NULL},
};

static const luaL_Reg json_funcs[] = {
    {"encode", j_encode},
    {"decode", j_decode},
    {NULL, NULL},
};

void dk_l_open_json(lua_State *L)
{
    lua_createtable(L, 0, 3);
    lua_newuserdatauv(L, 0, 0);
    luaL_newmetatable(L, DK_MT_JSON_NULL);
    luaL_setfuncs(L, null_metameth, 0);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "null");
    luaL_setfuncs(L, json_funcs, 1); /* each function gets the sentinel as its upvalue */
    lua_setfield(L, -2, "json");
}
