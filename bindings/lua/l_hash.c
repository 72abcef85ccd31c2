/* l_hash.c - dk.hash: jump consistent hash, a ring with virtual nodes, Maglev and rendezvous
 * tables over named nodes. */
#include <math.h>
#include <string.h>

#include "l_common.h"

typedef struct lring {
    dk_hash_ring_t *r;
} lring;

typedef struct lmaglev {
    dk_hash_maglev_t *m;
} lmaglev;

/* Rendezvous needs only the nodes' hashes; the names sit in the user value (a list). */
typedef struct lhrw {
    size_t n; /* 0 once closed */
    uint64_t h[];
} lhrw;

/* The hash of a key: an integer through dk_hash_u64, a string through dk_hash_string (seed 0),
 * so the same key lands on the same node in every structure. */
uint64_t dk_l_hash_key(lua_State *L, int idx)
{
    if (lua_isinteger(L, idx))
        return dk_hash_u64((uint64_t)lua_tointeger(L, idx));
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return dk_hash_seeded(s, len, 0);
    }
    return (uint64_t)luaL_argerror(L, idx, "a key must be an integer or a string");
}

/* dk.hash.jump(key, buckets) - the bucket (0-based, as in the paper) of an integer key taken as
 * it is, or of a string's hash. */
static int l_jump(lua_State *L)
{
    uint64_t key;
    if (lua_isinteger(L, 1))
        key = (uint64_t)lua_tointeger(L, 1);
    else if (lua_type(L, 1) == LUA_TSTRING)
        key = dk_l_hash_key(L, 1);
    else
        return luaL_argerror(L, 1, "jump: key must be an integer or a string");
    lua_Integer b = luaL_checkinteger(L, 2);
    if (b < 1 || b > INT32_MAX)
        return luaL_error(L, "jump: buckets must be a whole number from 1 to %d (got %I)",
                          (int)INT32_MAX, b);
    lua_pushinteger(L, dk_hash_jump(key, (int32_t)b));
    return 1;
}

/* The list of node names at opts.nodes, checked (strings, non-empty); leaves it pushed and
 * returns its length. */
static size_t check_nodes(lua_State *L, int opts, const char *what, int allow_empty)
{
    if (lua_getfield(L, opts, "nodes") != LUA_TTABLE)
        luaL_error(L, "%s: nodes must be a list of names (got %s)", what, luaL_typename(L, -1));
    size_t n = (size_t)luaL_len(L, -1);
    if (n == 0 && !allow_empty)
        luaL_error(L, "%s: nodes is empty (needs at least one name)", what);
    for (size_t i = 1; i <= n; i++) {
        if (lua_rawgeti(L, -1, (lua_Integer)i) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            luaL_error(L, "%s: nodes[%d] must be a non-empty name (got %s)", what, (int)i,
                       luaL_tolstring(L, -1, NULL));
        dk_l_check_name(L, -1, what);
        for (size_t j = 1; j < i; j++) {
            lua_rawgeti(L, -2, (lua_Integer)j);
            if (lua_rawequal(L, -1, -2))
                luaL_error(L, "%s: duplicate node \"%s\" (nodes[%d] and nodes[%d])", what,
                           lua_tostring(L, -1), (int)j, (int)i);
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
    return n;
}

/* ---- ring ---- */

static lring *check_ring(lua_State *L, int idx)
{
    lring *r = luaL_checkudata(L, idx, DK_MT_HASH_RING);
    if (r->r == NULL)
        dk_l_closed_error(L, idx, "ring");
    return r;
}

/* dk.hash.ring { nodes = {...}, vnodes = 100 } */
static int l_ring(lua_State *L)
{
    static const char *const keys[] = {"nodes", "vnodes", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "ring", keys);
    lua_Integer v = 100;
    if (lua_getfield(L, 1, "vnodes") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 100000)
            return luaL_error(L, "ring: vnodes must be a whole number from 1 to 100000 (got %s)",
                              luaL_tolstring(L, -1, NULL));
        v = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    size_t n = check_nodes(L, 1, "ring", 1);
    int nodes = lua_gettop(L);
    lring *r = lua_newuserdatauv(L, sizeof *r, 0);
    r->r = NULL;
    luaL_setmetatable(L, DK_MT_HASH_RING);
    dk_error err;
    if ((r->r = dk_hash_ring_new((unsigned)v, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, nodes, (lua_Integer)i);
        dk_status st = dk_hash_ring_add(r->r, lua_tostring(L, -1), &err);
        lua_pop(L, 1);
        if (st != DK_OK)
            return dk_l_raise_status(L, st, "%s", err.message);
    }
    return 1;
}

static int ring_get(lua_State *L)
{
    lring *r = check_ring(L, 1);
    size_t i = dk_hash_ring_get(r->r, dk_l_hash_key(L, 2));
    if (i == SIZE_MAX)
        lua_pushnil(L);
    else
        lua_pushstring(L, dk_hash_ring_node(r->r, i));
    return 1;
}

static int ring_add(lua_State *L)
{
    lring *r = check_ring(L, 1);
    const char *name = dk_l_check_name(L, 2, "ring:add");
    dk_error err;
    if (dk_hash_ring_add(r->r, name, &err) != DK_OK)
        return luaL_error(L, "%s", err.message);
    lua_settop(L, 1);
    return 1;
}

static int ring_remove(lua_State *L)
{
    lring *r = check_ring(L, 1);
    const char *name = luaL_checkstring(L, 2);
    dk_error err;
    if (dk_hash_ring_remove(r->r, name, &err) != DK_OK)
        return luaL_error(L, "%s", err.message);
    lua_settop(L, 1);
    return 1;
}

static int ring_nodes(lua_State *L)
{
    lring *r = check_ring(L, 1);
    size_t n = dk_hash_ring_nodes(r->r);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, dk_hash_ring_node(r->r, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

static int ring_close(lua_State *L)
{
    lring *r = luaL_checkudata(L, 1, DK_MT_HASH_RING);
    dk_hash_ring_free(r->r);
    r->r = NULL;
    return 0;
}

static int ring_tostring(lua_State *L)
{
    lring *r = luaL_checkudata(L, 1, DK_MT_HASH_RING);
    if (r->r == NULL)
        lua_pushliteral(L, "hash ring (closed)");
    else
        lua_pushfstring(L, "hash ring (%d nodes)", (int)dk_hash_ring_nodes(r->r));
    return 1;
}

static const luaL_Reg ring_methods[] = {{"get", ring_get},       {"add", ring_add},
                                        {"remove", ring_remove}, {"nodes", ring_nodes},
                                        {"close", ring_close},   {NULL, NULL}};

/* ---- maglev ---- */

static lmaglev *check_maglev(lua_State *L, int idx)
{
    lmaglev *m = luaL_checkudata(L, idx, DK_MT_HASH_MAGLEV);
    if (m->m == NULL)
        dk_l_closed_error(L, idx, "maglev");
    return m;
}

/* dk.hash.maglev { nodes = {...}, size = 65537 } */
static int l_maglev(lua_State *L)
{
    static const char *const keys[] = {"nodes", "size", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "maglev", keys);
    lua_Integer size = 0;
    if (lua_getfield(L, 1, "size") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 2 || lua_tointeger(L, -1) > (1 << 24))
            return luaL_error(L, "maglev: size must be a prime from 2 to %d (got %s)", 1 << 24,
                              luaL_tolstring(L, -1, NULL));
        size = lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    size_t n = check_nodes(L, 1, "maglev", 0);
    int nodes = lua_gettop(L);
    const char **names = lua_newuserdatauv(L, n * sizeof *names, 0);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, nodes, (lua_Integer)i + 1);
        names[i] = lua_tostring(L, -1); /* anchored by the nodes table */
        lua_pop(L, 1);
    }
    lmaglev *m = lua_newuserdatauv(L, sizeof *m, 0);
    m->m = NULL;
    luaL_setmetatable(L, DK_MT_HASH_MAGLEV);
    dk_error err;
    if ((m->m = dk_hash_maglev_new(names, n, (uint32_t)size, &err)) == NULL)
        return dk_l_raise_status(L, err.status, "%s", err.message);
    return 1;
}

static int maglev_get(lua_State *L)
{
    lmaglev *m = check_maglev(L, 1);
    lua_pushstring(L, dk_hash_maglev_node(m->m, dk_hash_maglev_get(m->m, dk_l_hash_key(L, 2))));
    return 1;
}

static int maglev_nodes(lua_State *L)
{
    lmaglev *m = check_maglev(L, 1);
    size_t n = dk_hash_maglev_nodes(m->m);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushstring(L, dk_hash_maglev_node(m->m, i));
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* m:entries() - { name = table entries owned } */
static int maglev_entries(lua_State *L)
{
    lmaglev *m = check_maglev(L, 1);
    size_t n = dk_hash_maglev_nodes(m->m);
    lua_createtable(L, 0, (int)n);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)dk_hash_maglev_entries(m->m, i));
        lua_setfield(L, -2, dk_hash_maglev_node(m->m, i));
    }
    return 1;
}

static int maglev_size(lua_State *L)
{
    lua_pushinteger(L, dk_hash_maglev_size(check_maglev(L, 1)->m));
    return 1;
}

static int maglev_close(lua_State *L)
{
    lmaglev *m = luaL_checkudata(L, 1, DK_MT_HASH_MAGLEV);
    dk_hash_maglev_free(m->m);
    m->m = NULL;
    return 0;
}

static int maglev_tostring(lua_State *L)
{
    lmaglev *m = luaL_checkudata(L, 1, DK_MT_HASH_MAGLEV);
    if (m->m == NULL)
        lua_pushliteral(L, "maglev table (closed)");
    else
        lua_pushfstring(L, "maglev table (%d nodes, %d entries)", (int)dk_hash_maglev_nodes(m->m),
                        (int)dk_hash_maglev_size(m->m));
    return 1;
}

static const luaL_Reg maglev_methods[] = {{"get", maglev_get},         {"nodes", maglev_nodes},
                                          {"entries", maglev_entries}, {"size", maglev_size},
                                          {"close", maglev_close},     {NULL, NULL}};

/* ---- rendezvous ---- */

static lhrw *check_hrw(lua_State *L, int idx)
{
    lhrw *h = luaL_checkudata(L, idx, DK_MT_HASH_RENDEZVOUS);
    if (h->n == 0)
        dk_l_closed_error(L, idx, "rendezvous");
    return h;
}

/* dk.hash.rendezvous { nodes = {...} } */
static int l_rendezvous(lua_State *L)
{
    static const char *const keys[] = {"nodes", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "rendezvous", keys);
    size_t n = check_nodes(L, 1, "rendezvous", 0);
    int nodes = lua_gettop(L);
    lhrw *h = lua_newuserdatauv(L, sizeof *h + n * sizeof h->h[0], 1);
    h->n = n;
    lua_createtable(L, (int)n, 0); /* a copy: the caller's list may change */
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, nodes, (lua_Integer)i + 1);
        h->h[i] = dk_hash_string(lua_tostring(L, -1), 0);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setiuservalue(L, -2, 1);
    luaL_setmetatable(L, DK_MT_HASH_RENDEZVOUS);
    return 1;
}

static int hrw_get(lua_State *L)
{
    lhrw *h = check_hrw(L, 1);
    size_t i = dk_hash_rendezvous(dk_l_hash_key(L, 2), h->h, h->n);
    lua_getiuservalue(L, 1, 1);
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    return 1;
}

static int hrw_nodes(lua_State *L)
{
    lhrw *h = check_hrw(L, 1);
    lua_getiuservalue(L, 1, 1);
    lua_createtable(L, (int)h->n, 0);
    for (size_t i = 1; i <= h->n; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i);
        lua_rawseti(L, -2, (lua_Integer)i);
    }
    return 1;
}

static int hrw_close(lua_State *L)
{
    luaL_checkudata(L, 1, DK_MT_HASH_RENDEZVOUS);
    ((lhrw *)lua_touserdata(L, 1))->n = 0;
    return 0;
}

static int hrw_tostring(lua_State *L)
{
    lhrw *h = luaL_checkudata(L, 1, DK_MT_HASH_RENDEZVOUS);
    if (h->n == 0)
        lua_pushliteral(L, "rendezvous (closed)");
    else
        lua_pushfstring(L, "rendezvous (%d nodes)", (int)h->n);
    return 1;
}

static const luaL_Reg hrw_methods[] = {
    {"get", hrw_get}, {"nodes", hrw_nodes}, {"close", hrw_close}, {NULL, NULL}};

/* dk.hash.key(key) - the 64-bit hash every structure above uses, as an integer. */
static int l_key(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_l_hash_key(L, 1));
    return 1;
}

static const luaL_Reg module_funcs[] = {{"jump", l_jump},     {"ring", l_ring},
                                        {"maglev", l_maglev}, {"rendezvous", l_rendezvous},
                                        {"key", l_key},       {NULL, NULL}};

void dk_l_open_hash(lua_State *L)
{
    dk_l_new_class(L, DK_MT_HASH_RING, ring_methods, NULL, ring_tostring, ring_close);
    dk_l_new_class(L, DK_MT_HASH_MAGLEV, maglev_methods, NULL, maglev_tostring, maglev_close);
    dk_l_new_class(L, DK_MT_HASH_RENDEZVOUS, hrw_methods, NULL, hrw_tostring, hrw_close);
    lua_pop(L, 3);
    luaL_newlib(L, module_funcs);
    lua_setfield(L, -2, "hash");
}
