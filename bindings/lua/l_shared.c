/* l_shared.c - shared handles and values copied between Lua states (see l_shared.h). */
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/locale.h"
#include "l_shared.h"

/* The registry field listing the shareable kinds: { [metatable name] = true }. */
#define SHAREABLE "designkit.shareable"
/* How deep tables may nest in a copied value: the push recurses once per level. */
#define MAX_DEPTH 100

typedef struct handle {
    dk_l_shared *s; /* NULL once closed */
} handle;

void dk_l_shared_init(dk_l_shared *s, const char *mt, void (*destroy)(dk_l_shared *))
{
    atomic_init(&s->refs, 1);
    s->mt = mt;
    s->destroy = destroy;
}

/* Taking a reference needs no ordering: the taker already holds one, so the object cannot go. */
void dk_l_shared_retain(dk_l_shared *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

/* Release orders this thread's last uses of the object before the count drops; the thread that
 * frees it acquires, so it sees every other thread's uses finished (the usual refcount pairing). */
void dk_l_shared_release(dk_l_shared *s)
{
    if (s != NULL && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
        s->destroy(s);
}

static int handle_close(lua_State *L)
{
    handle *h = lua_touserdata(L, 1);
    if (h != NULL && lua_rawlen(L, 1) == sizeof *h) {
        dk_l_shared *s = h->s;
        h->s = NULL;
        dk_l_shared_release(s);
    }
    return 0;
}

void dk_l_shared_class(lua_State *L, const char *mt, const luaL_Reg *methods,
                       lua_CFunction tostring)
{
    luaL_newmetatable(L, mt);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, handle_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, handle_close);
    lua_setfield(L, -2, "__close");
    if (tostring != NULL) {
        lua_pushcfunction(L, tostring);
        lua_setfield(L, -2, "__tostring");
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, SHAREABLE);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, mt);
    lua_pop(L, 1);
}

int luaopen_designkit(lua_State *L);

void dk_l_shared_push(lua_State *L, dk_l_shared *s)
{
    /* A thread's fresh state may receive a handle before anything in it required designkit,
     * which makes the metatables: open the module first, as `require "designkit"` would. */
    if (luaL_getmetatable(L, s->mt) == LUA_TNIL) {
        luaL_requiref(L, "designkit", luaopen_designkit, 0);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    handle *h = lua_newuserdatauv(L, sizeof *h, 0);
    h->s = NULL; /* set only once the metatable is on, so a failure leaks no reference */
    luaL_setmetatable(L, s->mt);
    dk_l_shared_retain(s);
    h->s = s;
}

dk_l_shared *dk_l_shared_check(lua_State *L, int idx, const char *mt)
{
    handle *h = luaL_checkudata(L, idx, mt);
    if (h->s == NULL)
        luaL_argerror(L, idx, lua_pushfstring(L, "%s is closed", mt));
    return h->s;
}

dk_l_shared *dk_l_shared_test(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx))
        return NULL;
    dk_l_shared *s = NULL;
    if (lua_getfield(L, -1, "__name") == LUA_TSTRING) {
        luaL_getsubtable(L, LUA_REGISTRYINDEX, SHAREABLE);
        lua_pushvalue(L, -2);
        int shareable = lua_rawget(L, -2) == LUA_TBOOLEAN;
        lua_pop(L, 2);
        handle *h = lua_touserdata(L, idx);
        if (shareable && lua_rawlen(L, idx) == sizeof *h)
            s = h->s;
    }
    lua_pop(L, 2);
    return s;
}

/* ---- values ------------------------------------------------------------------------------
 * A value is a byte string in prefix order: one tag byte, then its payload. A table is '{',
 * its key/value pairs, then '}'. Handles are stored as pointers; their references are listed
 * apart so that freeing needs no walk. */

enum {
    T_NIL = 'n',
    T_FALSE = 'f',
    T_TRUE = 't',
    T_INT = 'i',
    T_FLOAT = 'd',
    T_STR = 's',
    T_HANDLE = 'h',
    T_OPEN = '{',
    T_CLOSE = '}'
};

struct dk_l_value {
    unsigned char *bytes;
    size_t len, cap;
    dk_l_shared **handles;
    size_t nhandles, cap_handles;
};

typedef struct copier {
    lua_State *L;
    dk_l_value *v;
    int seen;       /* stack index of the table of tables on the current path */
    char path[192]; /* where in the value we are, for the message */
    dk_error *err;
} copier;

static int put(copier *c, const void *p, size_t n)
{
    dk_l_value *v = c->v;
    if (v->cap - v->len < n) {
        size_t cap = v->cap ? v->cap : 64;
        while (cap - v->len < n)
            cap *= 2;
        unsigned char *b = dk_realloc(v->bytes, cap);
        if (b == NULL)
            return dk_error_set(c->err, DK_ENOMEM, "out of memory copying a value"), -1;
        v->bytes = b;
        v->cap = cap;
    }
    memcpy(v->bytes + v->len, p, n);
    v->len += n;
    return 0;
}

static int put_tag(copier *c, unsigned char tag)
{
    return put(c, &tag, 1);
}

static int add_handle(copier *c, dk_l_shared *s)
{
    dk_l_value *v = c->v;
    if (v->nhandles == v->cap_handles) {
        size_t cap = v->cap_handles ? 2 * v->cap_handles : 4;
        dk_l_shared **h = dk_realloc(v->handles, cap * sizeof *h);
        if (h == NULL)
            return dk_error_set(c->err, DK_ENOMEM, "out of memory copying a value"), -1;
        v->handles = h;
        v->cap_handles = cap;
    }
    dk_l_shared_retain(s);
    v->handles[v->nhandles++] = s;
    return put_tag(c, T_HANDLE) || put(c, &s, sizeof s) ? -1 : 0;
}

static int fail(copier *c, const char *why)
{
    dk_error_set(c->err, DK_EINVAL, "%s: %s cannot cross to another thread", c->path, why);
    return -1;
}

/* Appends the key at `kidx` to the path ("name.field", "name[3]"), returning the old length. */
static size_t path_push(copier *c, int kidx)
{
    size_t old = strlen(c->path), room = sizeof c->path - old;
    lua_State *L = c->L;
    if (lua_type(L, kidx) == LUA_TSTRING)
        dk_snprintf(c->path + old, room, ".%s", lua_tostring(L, kidx));
    else if (lua_isinteger(L, kidx))
        dk_snprintf(c->path + old, room, "[%lld]", (long long)lua_tointeger(L, kidx));
    else
        dk_snprintf(c->path + old, room, "[%s key]", luaL_typename(L, kidx));
    return old;
}

static int copy_at(copier *c, int idx, int depth);

static int copy_table(copier *c, int idx, int depth)
{
    lua_State *L = c->L;
    if (depth >= MAX_DEPTH)
        return fail(c, "a table nested more than 100 deep");
    if (!lua_checkstack(L, 4))
        return dk_error_set(c->err, DK_ENOMEM, "out of memory copying a value"), -1;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, c->seen) != LUA_TNIL) {
        lua_pop(L, 1);
        return fail(c, "a table that contains itself");
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, c->seen);
    if (put_tag(c, T_OPEN) != 0)
        return -1;
    for (lua_pushnil(L); lua_next(L, idx) != 0; lua_pop(L, 1)) {
        int k = lua_gettop(L) - 1;
        size_t old = path_push(c, k);
        if (copy_at(c, k, depth + 1) != 0 || copy_at(c, k + 1, depth + 1) != 0) {
            lua_pop(L, 2);
            return -1;
        }
        c->path[old] = '\0';
    }
    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, c->seen);
    return put_tag(c, T_CLOSE);
}

static int copy_at(copier *c, int idx, int depth)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        return put_tag(c, T_NIL);
    case LUA_TBOOLEAN:
        return put_tag(c, lua_toboolean(L, idx) ? T_TRUE : T_FALSE);
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            lua_Integer i = lua_tointeger(L, idx);
            return put_tag(c, T_INT) || put(c, &i, sizeof i) ? -1 : 0;
        } else {
            lua_Number d = lua_tonumber(L, idx);
            return put_tag(c, T_FLOAT) || put(c, &d, sizeof d) ? -1 : 0;
        }
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        return put_tag(c, T_STR) || put(c, &n, sizeof n) || put(c, s, n) ? -1 : 0;
    }
    case LUA_TTABLE:
        return copy_table(c, lua_absindex(L, idx), depth);
    case LUA_TUSERDATA: {
        dk_l_shared *s = dk_l_shared_test(L, idx);
        if (s != NULL)
            return add_handle(c, s);
        return fail(c, "a userdata that is not a shared designkit object");
    }
    default:
        /* Lua calls a coroutine a "thread", which reads badly beside dk.thread. */
        return fail(c, lua_type(L, idx) == LUA_TTHREAD
                           ? "a coroutine"
                           : lua_pushfstring(L, "a %s", luaL_typename(L, idx)));
    }
}

dk_l_value *dk_l_value_copy(lua_State *L, int idx, const char *what, dk_error *err)
{
    idx = lua_absindex(L, idx);
    dk_l_value *v = dk_calloc(1, sizeof *v);
    if (v == NULL || !lua_checkstack(L, 8)) {
        dk_free(v);
        dk_error_set(err, DK_ENOMEM, "out of memory copying %s", what);
        return NULL;
    }
    lua_newtable(L);
    copier c = {.L = L, .v = v, .seen = lua_gettop(L), .err = err};
    dk_snprintf(c.path, sizeof c.path, "%s", what);
    int rc = copy_at(&c, idx, 0);
    lua_settop(L, c.seen - 1);
    if (rc != 0) {
        dk_l_value_free(v);
        return NULL;
    }
    return v;
}

typedef struct reader {
    const unsigned char *p;
} reader;

static void take(reader *r, void *out, size_t n)
{
    memcpy(out, r->p, n);
    r->p += n;
}

/* Pushes the value at r->p. The bytes were written by copy_at, so they are well formed. */
static void push_at(lua_State *L, reader *r)
{
    luaL_checkstack(L, 3, "copying a value");
    unsigned char tag = *r->p++;
    switch (tag) {
    case T_NIL:
        lua_pushnil(L);
        break;
    case T_FALSE:
    case T_TRUE:
        lua_pushboolean(L, tag == T_TRUE);
        break;
    case T_INT: {
        lua_Integer i;
        take(r, &i, sizeof i);
        lua_pushinteger(L, i);
        break;
    }
    case T_FLOAT: {
        lua_Number d;
        take(r, &d, sizeof d);
        lua_pushnumber(L, d);
        break;
    }
    case T_STR: {
        size_t n;
        take(r, &n, sizeof n);
        lua_pushlstring(L, (const char *)r->p, n);
        r->p += n;
        break;
    }
    case T_HANDLE: {
        dk_l_shared *s;
        take(r, &s, sizeof s);
        dk_l_shared_push(L, s);
        break;
    }
    default: /* T_OPEN */
        lua_newtable(L);
        while (*r->p != T_CLOSE) {
            push_at(L, r);
            push_at(L, r);
            lua_rawset(L, -3);
        }
        r->p++;
        break;
    }
}

void dk_l_value_push(lua_State *L, const dk_l_value *v)
{
    reader r = {v->bytes};
    push_at(L, &r);
}

void dk_l_value_free(dk_l_value *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->nhandles; i++)
        dk_l_shared_release(v->handles[i]);
    dk_free(v->handles);
    dk_free(v->bytes);
    dk_free(v);
}

size_t dk_l_value_size(const dk_l_value *v)
{
    return v->len;
}
