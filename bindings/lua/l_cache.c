/* l_cache.c - dk.cache: the eviction policies of core/patterns as a Lua key-value cache.
 *
 * The C cache holds 64-bit keys only; the values live in Lua, in the userdata's user values: a
 * table of values and a table of the original keys, both indexed by the 64-bit key. Every put
 * learns its victim (dk_cache_put_victim) and clears it from both tables, and a miss on a key
 * the tables still know (an expired or colliding entry) clears it too, so the tables never
 * hold more than the cache does: no leak. Integer keys are their own 64-bit key; a string is
 * hashed (FNV-1a, 64-bit, finalised). Two keys whose 64-bit keys meet are told apart by the
 * stored original key: the later put replaces the earlier, and a get of the other misses. */
#include <string.h>

#include "designkit/cache.h"
#include "l_common.h"

enum { UV_VALUES = 1, UV_KEYS = 2 };

typedef struct lcache {
    dk_cache_t *c;
} lcache;

static lcache *check_cache(lua_State *L, int idx)
{
    lcache *lc = (lcache *)luaL_checkudata(L, idx, DK_MT_CACHE);
    if (lc->c == NULL)
        dk_l_closed_error(L, idx, "cache");
    return lc;
}

/* The 64-bit key of the argument at `idx`: an integer, or a string hashed. */
static uint64_t key_of(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TNUMBER && lua_isinteger(L, idx))
        return (uint64_t)lua_tointeger(L, idx);
    if (lua_type(L, idx) != LUA_TSTRING)
        luaL_argerror(
            L, idx,
            lua_pushfstring(L, "cache key must be a string or an integer (got %s)",
                            lua_type(L, idx) == LUA_TNUMBER ? "a float" : luaL_typename(L, idx)));
    size_t len;
    const unsigned char *s = (const unsigned char *)lua_tolstring(L, idx, &len);
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t i = 0; i < len; i++)
        h = (h ^ s[i]) * UINT64_C(1099511628211);
    h ^= h >> 33; /* spread the low bits FNV leaves weak */
    h *= UINT64_C(0xff51afd7ed558ccd);
    return h ^ (h >> 33);
}

/* Sets values[k] and keys[k] (the tables at uv index 1 and 2 of the userdata at 1) to the
 * value at `v` and the key at `kidx`; v == 0 clears both. */
static void store(lua_State *L, uint64_t k, int kidx, int v)
{
    lua_getiuservalue(L, 1, UV_VALUES);
    if (v)
        lua_pushvalue(L, v);
    else
        lua_pushnil(L);
    lua_rawseti(L, -2, (lua_Integer)k);
    lua_getiuservalue(L, 1, UV_KEYS);
    if (v)
        lua_pushvalue(L, kidx);
    else
        lua_pushnil(L);
    lua_rawseti(L, -2, (lua_Integer)k);
    lua_pop(L, 2);
}

/* 1 when the original key stored for k equals the argument at `kidx`. */
static int same_key(lua_State *L, uint64_t k, int kidx)
{
    lua_getiuservalue(L, 1, UV_KEYS);
    lua_rawgeti(L, -1, (lua_Integer)k);
    int same = lua_rawequal(L, -1, kidx);
    lua_pop(L, 2);
    return same;
}

/* dk.cache { policy =, capacity =, seed = } */
static int l_cache(lua_State *L)
{
    static const char *const keys[] = {"policy", "capacity", "seed", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "cache", keys);
    const char *policy = "lru";
    if (lua_getfield(L, 1, "policy") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "cache: policy must be a string (got %s)", luaL_typename(L, -1));
        policy = lua_tostring(L, -1);
    }
    if (lua_getfield(L, 1, "capacity") == LUA_TNIL)
        return luaL_error(L, "cache: capacity is required (a number of entries)");
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0)
        return luaL_error(L,
                          "cache: capacity must be a positive integer number of entries (got %s)",
                          luaL_tolstring(L, -1, NULL));
    lua_Integer capacity = lua_tointeger(L, -1);
    lua_Integer seed = 1;
    if (lua_getfield(L, 1, "seed") != LUA_TNIL) {
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "cache: seed must be an integer (got %s)",
                              luaL_tolstring(L, -1, NULL));
        seed = lua_tointeger(L, -1);
    }
    lua_pop(L, 3);
    lcache *lc = (lcache *)lua_newuserdatauv(L, sizeof *lc, 2);
    lc->c = NULL;
    luaL_setmetatable(L, DK_MT_CACHE);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_VALUES);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_KEYS);
    dk_error err;
    lc->c = dk_cache_new_seeded(policy, (uint64_t)capacity, (uint64_t)seed, &err);
    if (lc->c == NULL)
        return luaL_error(L, "cache: %s", err.message);
    return 1;
}

/* c:get(key) -> the value, or nil on a miss */
static int m_get(lua_State *L)
{
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    int hit = dk_cache_get(lc->c, k, 0);
    if (hit && !same_key(L, k, 2)) {
        lua_pushnil(L); /* another key with the same 64-bit key holds the place */
        return 1;
    }
    if (!hit) {
        store(L, k, 2, 0);
        lua_pushnil(L);
        return 1;
    }
    lua_getiuservalue(L, 1, UV_VALUES);
    lua_rawgeti(L, -1, (lua_Integer)k);
    return 1;
}

/* c:put(key, value) -> true if another entry was evicted to make room */
static int m_put(lua_State *L)
{
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    luaL_checkany(L, 3);
    if (lua_isnil(L, 3))
        return luaL_argerror(L, 3, "cache value must not be nil (use c:delete(key))");
    uint64_t victim;
    int evicted = dk_cache_put_victim(lc->c, k, 0, 0, &victim);
    if (evicted < 0)
        return luaL_error(L, "cache: out of memory");
    if (evicted)
        store(L, victim, 0, 0);
    store(L, k, 2, 3);
    lua_pushboolean(L, evicted);
    return 1;
}

/* c:delete(key) -> true if it was there */
static int m_delete(lua_State *L)
{
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    int there = same_key(L, k, 2) && dk_cache_remove(lc->c, k);
    if (there)
        store(L, k, 2, 0);
    lua_pushboolean(L, there);
    return 1;
}

static int m_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_cache_size(check_cache(L, 1)->c));
    return 1;
}

/* c:stats() -> { hits, misses, evictions, hit_ratio, size, capacity, policy } */
static int m_stats(lua_State *L)
{
    dk_cache_t *c = check_cache(L, 1)->c;
    uint64_t hits = dk_cache_hits(c), misses = dk_cache_misses(c);
    lua_createtable(L, 0, 7);
    lua_pushinteger(L, (lua_Integer)hits);
    lua_setfield(L, -2, "hits");
    lua_pushinteger(L, (lua_Integer)misses);
    lua_setfield(L, -2, "misses");
    lua_pushinteger(L, (lua_Integer)dk_cache_evictions(c));
    lua_setfield(L, -2, "evictions");
    lua_pushnumber(L, hits + misses > 0 ? (double)hits / (double)(hits + misses) : 0.0);
    lua_setfield(L, -2, "hit_ratio");
    lua_pushinteger(L, (lua_Integer)dk_cache_size(c));
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, (lua_Integer)dk_cache_capacity(c));
    lua_setfield(L, -2, "capacity");
    lua_pushstring(L, dk_cache_policy(c));
    lua_setfield(L, -2, "policy");
    return 1;
}

static int m_close(lua_State *L)
{
    lcache *lc = (lcache *)luaL_checkudata(L, 1, DK_MT_CACHE);
    dk_cache_free(lc->c);
    lc->c = NULL;
    if (lua_getiuservalue(L, 1, UV_VALUES) == LUA_TTABLE) { /* let the values go at once */
        lua_newtable(L);
        lua_setiuservalue(L, 1, UV_VALUES);
        lua_newtable(L);
        lua_setiuservalue(L, 1, UV_KEYS);
    }
    return 0;
}

static int m_tostring(lua_State *L)
{
    lcache *lc = (lcache *)luaL_checkudata(L, 1, DK_MT_CACHE);
    if (lc->c == NULL)
        lua_pushliteral(L, "cache (closed)");
    else
        lua_pushfstring(L, "cache (%s, %I/%I)", dk_cache_policy(lc->c),
                        (lua_Integer)dk_cache_size(lc->c), (lua_Integer)dk_cache_capacity(lc->c));
    return 1;
}

static const luaL_Reg methods[] = {{"get", m_get}, {"put", m_put},     {"delete", m_delete},
                                   {"len", m_len}, {"stats", m_stats}, {"close", m_close},
                                   {NULL, NULL}};

void dk_l_open_cache(lua_State *L)
{
    dk_l_new_class(L, DK_MT_CACHE, methods, NULL, m_tostring, m_close);
    lua_pushcfunction(L, m_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_cache);
    lua_setfield(L, -2, "cache");
}
