/* l_cache.c - dk.cache: the eviction policies of core/patterns as a Lua key-value cache.
 *
 * The C cache holds 64-bit keys only; the values live in Lua, in the userdata's user values: a
 * table of values and a table of the original keys, both indexed by the 64-bit key. Every put
 * learns its victim (dk_cache_put_victim) and clears it from both tables, and a miss on a key
 * the tables still know (an expired or colliding entry) clears it too, so the tables never
 * hold more than the cache does: no leak. Integer keys are their own 64-bit key; a string is
 * hashed (FNV-1a, 64-bit, finalised). Two keys whose 64-bit keys meet are told apart by the
 * stored original key: the later put replaces the earlier, and a get of the other misses.
 *
 * Time is the cache's own clock, in nanoseconds from 0, moved by c:advance(dt): entries put
 * with a ttl (the put's, else the cache's default) expire lazily on a get and actively when
 * advance sweeps them, which releases their values at once. */
#include <string.h>

#include "designkit/cache.h"
#include "l_common.h"

enum { UV_VALUES = 1, UV_KEYS = 2 };

typedef struct lcache {
    dk_cache_t *c;
    int64_t now; /* the cache's clock, ns */
    int64_t ttl; /* the default ttl of a put, ns; 0: never expires */
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

/* The ttl at `idx` in ns (a duration: seconds or "5s"), raising an error naming `what`. */
static int64_t check_ttl(lua_State *L, int idx, const char *what)
{
    int64_t ns;
    dk_error err;
    if (!dk_l_to_duration(L, idx, &ns, &err))
        luaL_error(L, "%s: %s", what, err.message);
    return ns;
}

/* dk.cache { policy =, capacity =, seed =, ttl = } */
static int l_cache(lua_State *L)
{
    static const char *const keys[] = {"policy", "capacity", "seed", "ttl", NULL};
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
    int64_t ttl = 0;
    if (lua_getfield(L, 1, "ttl") != LUA_TNIL)
        ttl = check_ttl(L, -1, "cache: ttl");
    lua_pop(L, 4);
    lcache *lc = (lcache *)lua_newuserdatauv(L, sizeof *lc, 2);
    lc->c = NULL;
    lc->now = 0;
    lc->ttl = ttl;
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
    int hit = dk_cache_get(lc->c, k, lc->now);
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

/* c:put(key, value [, { ttl = }]) -> true if another entry was evicted to make room */
static int m_put(lua_State *L)
{
    static const char *const keys[] = {"ttl", NULL};
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    luaL_checkany(L, 3);
    if (lua_isnil(L, 3))
        return luaL_argerror(L, 3, "cache value must not be nil (use c:delete(key))");
    int64_t ttl = lc->ttl;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        dk_l_check_keys(L, 4, "cache put", keys);
        if (lua_getfield(L, 4, "ttl") != LUA_TNIL)
            ttl = check_ttl(L, -1, "cache put: ttl");
        lua_pop(L, 1);
    }
    uint64_t victim;
    int evicted = dk_cache_put_victim(lc->c, k, lc->now, ttl, &victim);
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

/* c:advance(dt) -> the number of entries that expired: moves the cache's clock forward by a
 * duration and sweeps every entry now due, releasing its value. */
static int m_advance(lua_State *L)
{
    lcache *lc = check_cache(L, 1);
    luaL_checkany(L, 2);
    int64_t dt = check_ttl(L, 2, "cache advance");
    lc->now = dt > INT64_MAX - lc->now ? INT64_MAX : lc->now + dt;
    uint64_t keys[64], n, total = 0;
    while ((n = dk_cache_expire(lc->c, lc->now, 64, keys)) > 0) {
        for (uint64_t i = 0; i < n; i++)
            store(L, keys[i], 0, 0);
        total += n;
    }
    lua_pushinteger(L, (lua_Integer)total);
    return 1;
}

/* c:now() -> the cache's clock, in seconds */
static int m_now(lua_State *L)
{
    lua_pushnumber(L, (double)check_cache(L, 1)->now / 1e9);
    return 1;
}

static int m_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_cache_size(check_cache(L, 1)->c));
    return 1;
}

/* c:stats() -> { hits, misses, evictions, expirations, hit_ratio, size, capacity, policy } */
static int m_stats(lua_State *L)
{
    dk_cache_t *c = check_cache(L, 1)->c;
    uint64_t hits = dk_cache_hits(c), misses = dk_cache_misses(c);
    lua_createtable(L, 0, 8);
    lua_pushinteger(L, (lua_Integer)hits);
    lua_setfield(L, -2, "hits");
    lua_pushinteger(L, (lua_Integer)misses);
    lua_setfield(L, -2, "misses");
    lua_pushinteger(L, (lua_Integer)dk_cache_evictions(c));
    lua_setfield(L, -2, "evictions");
    lua_pushinteger(L, (lua_Integer)dk_cache_expirations(c));
    lua_setfield(L, -2, "expirations");
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

static const luaL_Reg methods[] = {{"get", m_get},         {"put", m_put},     {"delete", m_delete},
                                   {"advance", m_advance}, {"now", m_now},     {"len", m_len},
                                   {"stats", m_stats},     {"close", m_close}, {NULL, NULL}};

void dk_l_open_cache(lua_State *L)
{
    dk_l_new_class(L, DK_MT_CACHE, methods, NULL, m_tostring, m_close);
    lua_pushcfunction(L, m_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_cache);
    lua_setfield(L, -2, "cache");
}
