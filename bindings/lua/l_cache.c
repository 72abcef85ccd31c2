/* l_cache.c - dk.cache: the eviction policies of core/patterns as a Lua key-value cache.
 *
 * The C cache holds 64-bit keys only; the values live in Lua. Integer keys are their own 64-bit
 * key; a string is hashed (FNV-1a over 8 bytes at a time, finalised). Each entry has a *place*
 * p, a small integer: the user value table `entries` holds the original key at 2p-1 and the
 * value at 2p, and a C map takes the 64-bit key to p. Places are handed out densely and reused
 * (a freed place goes on a stack of spares), so `entries` is a Lua array that never rehashes:
 * a table keyed by the 64-bit keys themselves would fill its hash part with dead keys as
 * entries churn and rehash on every insert (that made a put cost microseconds). Every put
 * hears its victims (dk_cache_put_sized_victims) and frees their places, and a miss on a key
 * that still has a place (an expired entry) frees it too, so `entries` never holds more than
 * the cache does: no leak. Two keys whose 64-bit keys meet are told apart by the stored
 * original key: the later put replaces the earlier, and a get of the other misses.
 *
 * A capacity given as a size ("64MiB") makes a cache counted in bytes: each put then needs a
 * size, from its options, or from the cache's `size` option (a constant or a function of key
 * and value).
 *
 * Time is the cache's own clock, in nanoseconds from 0, moved by c:advance(dt): entries put
 * with a ttl (the put's, else the cache's default) expire lazily on a get and actively when
 * advance sweeps them, which releases their values at once.
 *
 * The hot paths (get, put of a key already placed) allocate nothing and look up no string. */
#include <string.h>

#include "designkit/alloc.h"
#include "designkit/cache.h"
#include "designkit/map.h"
#include "designkit/units.h"
#include "l_common.h"

enum { UV_ENTRIES = 1, UV_SIZE = 2 };

typedef struct lcache {
    const void *tag; /* &cache_tag: see check_cache */
    dk_cache_t *c;
    dk_map_t *place; /* 64-bit key -> its place */
    uint32_t *spare; /* places given back, reused first; room for every place handed out */
    uint32_t nspare, places, spare_cap;
    int64_t now; /* the cache's clock, ns */
    int64_t ttl; /* the default ttl of a put, ns; 0: never expires */
} lcache;

static const char cache_tag = 0;

/* The cache at `idx`. luaL_checkudata looks the metatable up in the registry by its name, a
 * string lookup that was a third of a c:get's cost; a userdata of our size whose first field
 * holds the address of cache_tag can only be one this file made (no other code writes that
 * address, and Lua code cannot write userdata bytes), so that is checked first, and
 * luaL_checkudata only raises the usual error for anything else. */
static lcache *check_cache(lua_State *L, int idx)
{
    lcache *lc = (lcache *)lua_touserdata(L, idx);
    if (lc == NULL || lua_rawlen(L, idx) != sizeof *lc || lc->tag != &cache_tag) /* a light
                                                                    userdata's length is 0 */
        lc = (lcache *)luaL_checkudata(L, idx, DK_MT_CACHE);
    if (lc->c == NULL)
        dk_l_closed_error(L, idx, "cache");
    return lc;
}

/* The 64-bit key of the argument at `idx`: an integer, or a string hashed. */
static uint64_t key_of(lua_State *L, int idx)
{
    int type = lua_type(L, idx);
    if (type == LUA_TNUMBER && lua_isinteger(L, idx))
        return (uint64_t)lua_tointeger(L, idx);
    if (type != LUA_TSTRING)
        luaL_argerror(
            L, idx,
            lua_pushfstring(L, "cache key must be a string or an integer (got %s)",
                            lua_type(L, idx) == LUA_TNUMBER ? "a float" : luaL_typename(L, idx)));
    size_t len;
    const unsigned char *s = (const unsigned char *)lua_tolstring(L, idx, &len);
    uint64_t h = UINT64_C(14695981039346656037) ^ len, w;
    for (; len >= 8; s += 8, len -= 8) { /* a word a step: an eighth of the multiplies */
        memcpy(&w, s, 8);
        h = (h ^ w) * UINT64_C(1099511628211);
        h ^= h >> 29;
    }
    for (; len > 0; s++, len--)
        h = (h ^ *s) * UINT64_C(1099511628211);
    h ^= h >> 33; /* spread the low bits FNV leaves weak */
    h *= UINT64_C(0xff51afd7ed558ccd);
    return h ^ (h >> 33);
}

/* Frees the place of 64-bit key k, if it has one: its key and value go from the entries table
 * at `e` (a nil store into a present slot: cannot allocate or fail). */
static void release(lua_State *L, lcache *lc, int e, uint64_t k)
{
    uint64_t p;
    if (!dk_map_remove(lc->place, k, &p))
        return;
    lua_pushnil(L);
    lua_rawseti(L, e, (lua_Integer)(2 * p - 1));
    lua_pushnil(L);
    lua_rawseti(L, e, (lua_Integer)(2 * p));
    lc->spare[lc->nspare++] = (uint32_t)p;
}

typedef struct victims {
    lua_State *L;
    lcache *lc;
    int e;
} victims;

static void on_evict(void *ctx, uint64_t key)
{
    victims *v = ctx;
    release(v->L, v->lc, v->e, key);
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

/* A size at `idx`: a positive integer number of bytes or a size string ("1.5KiB"); raises an
 * error naming `what` otherwise. */
static uint64_t check_size(lua_State *L, int idx, const char *what)
{
    if (lua_type(L, idx) == LUA_TSTRING) {
        uint64_t bytes;
        dk_error err;
        if (dk_parse_size(lua_tostring(L, idx), &bytes, &err) != DK_OK)
            luaL_error(L, "%s: %s", what, err.message);
        if (bytes == 0)
            luaL_error(L, "%s must be a positive size (got %s)", what, lua_tostring(L, idx));
        return bytes;
    }
    if (!lua_isinteger(L, idx) || lua_tointeger(L, idx) <= 0)
        luaL_error(L,
                   "%s must be a positive integer number of bytes or a size such as \"1.5KiB\" "
                   "(got %s)",
                   what, luaL_tolstring(L, idx, NULL));
    return (uint64_t)lua_tointeger(L, idx);
}

/* dk.cache { policy =, capacity =, seed =, ttl =, size = } */
static int l_cache(lua_State *L)
{
    static const char *const keys[] = {"policy", "capacity", "seed", "ttl", "size", NULL};
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "cache", keys);
    const char *policy = "lru";
    if (lua_getfield(L, 1, "policy") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "cache: policy must be a string (got %s)", luaL_typename(L, -1));
        policy = lua_tostring(L, -1);
    }
    int type = lua_getfield(L, 1, "capacity");
    if (type == LUA_TNIL)
        return luaL_error(L, "cache: capacity is required (a number of entries, or a size in "
                             "bytes such as \"64MiB\")");
    int sized = type == LUA_TSTRING;
    uint64_t capacity;
    if (sized) {
        capacity = check_size(L, -1, "cache: capacity");
    } else {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) <= 0)
            return luaL_error(L,
                              "cache: capacity must be a positive integer number of entries, or "
                              "a size in bytes such as \"64MiB\" (got %s)",
                              luaL_tolstring(L, -1, NULL));
        capacity = (uint64_t)lua_tointeger(L, -1);
    }
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
    int size = lua_gettop(L) + 1; /* the size option, kept as the second user value */
    if (lua_getfield(L, 1, "size") != LUA_TNIL) {
        if (!sized)
            return luaL_error(L, "cache: size needs a capacity in bytes (such as \"64MiB\"); "
                                 "this capacity counts entries");
        if (!lua_isfunction(L, size)) {
            lua_pushinteger(L, (lua_Integer)check_size(L, size, "cache: size"));
            lua_replace(L, size);
        }
    }
    lcache *lc = (lcache *)lua_newuserdatauv(L, sizeof *lc, 2);
    memset(lc, 0, sizeof *lc);
    lc->tag = &cache_tag;
    lc->ttl = ttl;
    luaL_setmetatable(L, DK_MT_CACHE);
    lua_newtable(L);
    lua_setiuservalue(L, -2, UV_ENTRIES);
    lua_pushvalue(L, size);
    lua_setiuservalue(L, -2, UV_SIZE);
    dk_error err;
    lc->c = sized ? dk_cache_new_bytes(policy, capacity, (uint64_t)seed, &err)
                  : dk_cache_new_seeded(policy, capacity, (uint64_t)seed, &err);
    if (lc->c == NULL)
        return luaL_error(L, "cache: %s", err.message);
    lc->place = dk_map_new(0, NULL);
    if (lc->place == NULL)
        return luaL_error(L, "cache: out of memory");
    return 1;
}

/* c:get(key) -> the value, or nil on a miss */
static int m_get(lua_State *L)
{
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    int hit = dk_cache_get(lc->c, k, lc->now);
    uint64_t p;
    if (!dk_map_get(lc->place, k, &p)) {
        lua_pushnil(L);
        return 1;
    }
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, UV_ENTRIES); /* 3 */
    if (!hit) {                          /* expired: the value goes now */
        release(L, lc, 3, k);
        lua_pushnil(L);
        return 1;
    }
    lua_rawgeti(L, 3, (lua_Integer)(2 * p - 1));
    if (!lua_rawequal(L, -1, 2)) {
        lua_pushnil(L); /* another key with the same 64-bit key holds the place */
        return 1;
    }
    lua_rawgeti(L, 3, (lua_Integer)(2 * p));
    return 1;
}

/* The size of the put at 1 (cache), 2 (key), 3 (value), with options at 4 (or none): its
 * `size`, else the cache's size option; 1 in a cache counted in entries. */
static uint64_t put_size(lua_State *L, lcache *lc, int opts)
{
    int sized = dk_cache_sized(lc->c);
    if (opts && lua_getfield(L, opts, "size") != LUA_TNIL) {
        if (!sized)
            luaL_error(L, "cache put: size needs a cache whose capacity is in bytes (such as "
                          "\"64MiB\"); this one counts entries");
        uint64_t size = check_size(L, -1, "cache put: size");
        lua_pop(L, 1);
        return size;
    }
    if (opts)
        lua_pop(L, 1);
    if (!sized)
        return 1;
    int t = lua_getiuservalue(L, 1, UV_SIZE);
    if (t == LUA_TNIL)
        luaL_error(L, "cache put: size is required: the capacity is in bytes (give "
                      "c:put(key, value, { size = n }) or dk.cache { size = ... })");
    if (t == LUA_TFUNCTION) {
        lua_pushvalue(L, 2);
        lua_pushvalue(L, 3);
        lua_call(L, 2, 1);
    }
    uint64_t size = check_size(L, -1, "cache put: the size function's result");
    lua_pop(L, 1);
    return size;
}

/* c:put(key, value [, { ttl =, size = }]) -> true if entries were evicted to make room, and
 * how many */
static int m_put(lua_State *L)
{
    static const char *const keys[] = {"ttl", "size", NULL};
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    luaL_checkany(L, 3);
    if (lua_isnil(L, 3))
        return luaL_argerror(L, 3, "cache value must not be nil (use c:delete(key))");
    int64_t ttl = lc->ttl;
    int opts = 0;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        dk_l_check_keys(L, 4, "cache put", keys);
        if (lua_getfield(L, 4, "ttl") != LUA_TNIL)
            ttl = check_ttl(L, -1, "cache put: ttl");
        lua_pop(L, 1);
        opts = 4;
    }
    uint64_t size = put_size(L, lc, opts);
    if (size > dk_cache_capacity(lc->c))
        return luaL_error(L,
                          "cache put: an entry of %I bytes is larger than the whole cache (%I "
                          "bytes): refused",
                          (lua_Integer)size, (lua_Integer)dk_cache_capacity(lc->c));
    lua_settop(L, 3);
    lua_getiuservalue(L, 1, UV_ENTRIES); /* 4 */
    uint64_t p;
    int placed = dk_map_get(lc->place, k, &p);
    if (!placed) { /* a new place: every allocation before the cache changes */
        if (dk_map_reserve(lc->place, dk_map_size(lc->place) + 1) != DK_OK)
            return luaL_error(L, "cache: out of memory");
        if (lc->nspare > 0) {
            p = lc->spare[--lc->nspare];
        } else {
            if (lc->places == UINT32_MAX - 1)
                return luaL_error(L, "cache: too many entries");
            if (lc->spare_cap <= lc->places) {
                uint32_t cap = lc->spare_cap ? 2 * lc->spare_cap : 16;
                uint32_t *v = dk_realloc(lc->spare, (size_t)cap * sizeof *v);
                if (v == NULL)
                    return luaL_error(L, "cache: out of memory");
                lc->spare = v;
                lc->spare_cap = cap;
            }
            p = lc->places + 1;
        }
        lua_pushvalue(L, 2); /* the table may grow here: an error leaves the cache as it was */
        lua_rawseti(L, 4, (lua_Integer)(2 * p - 1));
        lua_pushvalue(L, 3);
        lua_rawseti(L, 4, (lua_Integer)(2 * p));
        if (p > lc->places)
            lc->places = (uint32_t)p;
    }
    victims v = {L, lc, 4};
    int evicted = dk_cache_put_sized_victims(lc->c, k, size, lc->now, ttl, on_evict, &v);
    if (evicted < 0) {
        if (!placed) { /* give the place back */
            lua_pushnil(L);
            lua_rawseti(L, 4, (lua_Integer)(2 * p - 1));
            lua_pushnil(L);
            lua_rawseti(L, 4, (lua_Integer)(2 * p));
            lc->spare[lc->nspare++] = (uint32_t)p;
        }
        return luaL_error(L, "cache put: %s", dk_strerror((dk_status)evicted));
    }
    if (placed) {
        lua_pushvalue(L, 2); /* the key too: it may be another one with the same 64-bit key */
        lua_rawseti(L, 4, (lua_Integer)(2 * p - 1));
        lua_pushvalue(L, 3);
        lua_rawseti(L, 4, (lua_Integer)(2 * p));
    } else {
        (void)dk_map_put(lc->place, k, p); /* reserved: cannot fail */
    }
    lua_pushboolean(L, evicted > 0);
    lua_pushinteger(L, evicted);
    return 2;
}

/* c:delete(key) -> true if it was there */
static int m_delete(lua_State *L)
{
    lcache *lc = check_cache(L, 1);
    uint64_t k = key_of(L, 2);
    uint64_t p;
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, UV_ENTRIES); /* 3 */
    int there = 0;
    if (dk_map_get(lc->place, k, &p)) {
        lua_rawgeti(L, 3, (lua_Integer)(2 * p - 1));
        there = lua_rawequal(L, -1, 2) && dk_cache_remove(lc->c, k);
        lua_pop(L, 1);
    }
    if (there)
        release(L, lc, 3, k);
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
    lua_settop(L, 2);
    lua_getiuservalue(L, 1, UV_ENTRIES); /* 3 */
    uint64_t keys[64], n, total = 0;
    while ((n = dk_cache_expire(lc->c, lc->now, 64, keys)) > 0) {
        for (uint64_t i = 0; i < n; i++)
            release(L, lc, 3, keys[i]);
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

/* c:stats() -> { hits, misses, evictions, expirations, hit_ratio, size, bytes, capacity, unit,
 * policy } */
static int m_stats(lua_State *L)
{
    dk_cache_t *c = check_cache(L, 1)->c;
    uint64_t hits = dk_cache_hits(c), misses = dk_cache_misses(c);
    lua_createtable(L, 0, 10);
    dk_l_set_integer(L, "hits", (lua_Integer)hits);
    dk_l_set_integer(L, "misses", (lua_Integer)misses);
    dk_l_set_integer(L, "evictions", (lua_Integer)dk_cache_evictions(c));
    dk_l_set_integer(L, "expirations", (lua_Integer)dk_cache_expirations(c));
    dk_l_set_number(L, "hit_ratio",
                    hits + misses > 0 ? (double)hits / (double)(hits + misses) : 0.0);
    dk_l_set_integer(L, "size", (lua_Integer)dk_cache_size(c));
    dk_l_set_integer(L, "bytes", (lua_Integer)dk_cache_bytes(c));
    dk_l_set_integer(L, "capacity", (lua_Integer)dk_cache_capacity(c));
    lua_pushstring(L, dk_cache_sized(c) ? "bytes" : "entries");
    lua_setfield(L, -2, "unit");
    lua_pushstring(L, dk_cache_policy(c));
    lua_setfield(L, -2, "policy");
    return 1;
}

static int m_close(lua_State *L)
{
    lcache *lc = (lcache *)luaL_checkudata(L, 1, DK_MT_CACHE);
    dk_cache_free(lc->c);
    dk_map_free(lc->place);
    dk_free(lc->spare);
    memset(lc, 0, sizeof *lc);
    lc->tag = &cache_tag;
    if (lua_getiuservalue(L, 1, UV_ENTRIES) == LUA_TTABLE) { /* let the values go at once */
        lua_newtable(L);
        lua_setiuservalue(L, 1, UV_ENTRIES);
    }
    return 0;
}

static int m_tostring(lua_State *L)
{
    lcache *lc = (lcache *)luaL_checkudata(L, 1, DK_MT_CACHE);
    if (lc->c == NULL)
        lua_pushliteral(L, "cache (closed)");
    else if (dk_cache_sized(lc->c))
        lua_pushfstring(L, "cache (%s, %I entries, %I/%I bytes)", dk_cache_policy(lc->c),
                        (lua_Integer)dk_cache_size(lc->c), (lua_Integer)dk_cache_bytes(lc->c),
                        (lua_Integer)dk_cache_capacity(lc->c));
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
