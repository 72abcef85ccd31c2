/* l_limiter.c - dk.limiter: the rate limiters of core/patterns as Lua userdata. Time is the
 * caller's (seconds or a duration string), never a clock read, so a script's decisions repeat. */
#include <math.h>
#include <string.h>

#include "designkit/limiter.h"
#include "l_common.h"

typedef struct llimiter {
    dk_limiter_t *l;
    int per_key;
    int64_t latest; /* the latest `now` given: what an allow without one means */
} llimiter;

static llimiter *check_limiter(lua_State *L, int idx)
{
    llimiter *ll = (llimiter *)luaL_checkudata(L, idx, DK_MT_LIMITER);
    if (ll->l == NULL)
        dk_l_closed_error(L, idx, "limiter");
    return ll;
}

/* The rate at the top of the stack: a number per second, or text through the units ("100/s",
 * "6000/min"). Raises naming the field otherwise. */
static double rate_option(lua_State *L)
{
    double r = 0;
    dk_error err;
    if (lua_type(L, -1) == LUA_TNUMBER)
        r = lua_tonumber(L, -1);
    else if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "limiter: rate must be a rate like \"100/s\" or a number per second (got %s)",
                   luaL_typename(L, -1));
    else if (dk_parse_rate(lua_tostring(L, -1), &r, &err) != DK_OK)
        luaL_error(L, "limiter: rate: %s", err.message);
    return r;
}

/* dk.limiter { algorithm =, rate =, burst =, per_key =, max_keys =, idle = } */
static int l_limiter(lua_State *L)
{
    static const char *const keys[] = {"algorithm", "rate", "burst", "per_key",
                                       "max_keys",  "idle", NULL};
    dk_limiter_config c = {DK_LIMITER_TOKEN_BUCKET, 0, 1, 0, 0};
    dk_error err;
    luaL_checktype(L, 1, LUA_TTABLE);
    dk_l_check_keys(L, 1, "limiter", keys);

    if (lua_getfield(L, 1, "algorithm") != LUA_TNIL) {
        const char *name = lua_tostring(L, -1);
        if (lua_type(L, -1) != LUA_TSTRING ||
            dk_limiter_algorithm_parse(name, &c.algorithm, &err) != DK_OK)
            return luaL_error(L, "limiter: algorithm: unknown algorithm \"%s\" (use %s)",
                              name != NULL ? name : luaL_typename(L, -1),
                              "token_bucket, leaky_bucket, leaky_queue, fixed_window, "
                              "sliding_log, sliding_window, gcra");
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "rate") == LUA_TNIL)
        return luaL_error(L, "limiter: rate is required (a rate like \"100/s\")");
    c.rate = rate_option(L);
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "burst") != LUA_TNIL) {
        int isint;
        lua_Integer b = lua_tointegerx(L, -1, &isint);
        if (!isint || b < 1 || b > 1000000)
            return luaL_error(L, "limiter: burst must be a whole number from 1 to 1000000 (got %s)",
                              luaL_tolstring(L, -1, NULL));
        c.burst = (int64_t)b;
    }
    lua_pop(L, 1);
    int per_key = lua_getfield(L, 1, "per_key") != LUA_TNIL;
    if (per_key && !lua_isboolean(L, -1))
        return luaL_error(L, "limiter: per_key must be true or false (got %s)",
                          luaL_typename(L, -1));
    per_key = per_key && lua_toboolean(L, -1);
    lua_pop(L, 1);
    c.max_keys = per_key ? 10000 : 0;
    if (lua_getfield(L, 1, "max_keys") != LUA_TNIL) {
        int isint;
        lua_Integer n = lua_tointegerx(L, -1, &isint);
        if (!per_key)
            return luaL_error(L, "limiter: max_keys needs per_key = true");
        if (!isint || n < 1 || n > 100000000)
            return luaL_error(L,
                              "limiter: max_keys must be a whole number from 1 to 100000000 "
                              "(got %s)",
                              luaL_tolstring(L, -1, NULL));
        c.max_keys = (size_t)n;
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "idle") != LUA_TNIL) {
        if (!per_key)
            return luaL_error(L, "limiter: idle needs per_key = true");
        if (!dk_l_to_duration(L, -1, &c.idle, &err))
            return luaL_error(L, "limiter: idle: %s", err.message);
        if (c.idle == 0)
            return luaL_error(L, "limiter: idle must be longer than 0");
    }
    lua_pop(L, 1);

    llimiter *ll = (llimiter *)lua_newuserdatauv(L, sizeof *ll, 0); /* before the C resource */
    ll->l = NULL;
    ll->per_key = per_key;
    ll->latest = 0;
    luaL_setmetatable(L, DK_MT_LIMITER);
    if ((ll->l = dk_limiter_new(&c, &err)) == NULL)
        return luaL_error(L, "limiter: %s", err.message);
    return 1;
}

/* FNV-1a over the string's bytes (NULs included), then a finaliser so that close strings
 * land far apart in the limiter's table. */
static uint64_t hash_text(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    return h ^ (h >> 33);
}

/* The key at `idx`: an integer as itself, a string by its hash (so "alice" and "bob" are
 * two keys; a collision of 64-bit hashes would merge two, which is not worth guarding). */
static uint64_t check_key(lua_State *L, int idx)
{
    if (lua_isinteger(L, idx))
        return (uint64_t)lua_tointeger(L, idx);
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        return hash_text(s, len);
    }
    return (uint64_t)luaL_argerror(L, idx, "a key must be a string or an integer");
}

/* lim:allow([key,] [now]) -> allowed, wait (seconds). A per-key limiter takes the key first;
 * `now` (seconds or a duration) defaults to the latest time the limiter has seen. */
static int m_allow(lua_State *L)
{
    llimiter *ll = check_limiter(L, 1);
    int at = 2;
    uint64_t key = 0;
    int64_t now = ll->latest, wait;
    dk_error err;
    if (ll->per_key) {
        key = check_key(L, 2);
        at = 3;
    }
    if (!lua_isnoneornil(L, at)) {
        if (lua_type(L, at) == LUA_TNUMBER && !(fabs(lua_tonumber(L, at)) < 4.6e9))
            return luaL_argerror(L, at, "now must be a time in seconds within +-146 years");
        if (lua_type(L, at) == LUA_TNUMBER)
            now = (int64_t)llround(lua_tonumber(L, at) * 1e9); /* negative times are fine */
        else if (!dk_l_to_duration(L, at, &now, &err))
            return luaL_argerror(L, at, err.message);
        if (now > (INT64_C(1) << 62))
            return luaL_argerror(L, at, "now must be within 146 years");
    }
    if (now > ll->latest)
        ll->latest = now;
    int ok = dk_limiter_allow(ll->l, key, now, &wait);
    if (ok < 0)
        return luaL_error(L, "limiter: out of memory for a new key");
    lua_pushboolean(L, ok);
    lua_pushnumber(L, (double)wait / 1e9);
    return 2;
}

static int m_keys(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)dk_limiter_keys(check_limiter(L, 1)->l));
    return 1;
}

static int m_close(lua_State *L)
{
    llimiter *ll = (llimiter *)luaL_checkudata(L, 1, DK_MT_LIMITER);
    dk_limiter_free(ll->l);
    ll->l = NULL;
    return 0;
}

static int m_tostring(lua_State *L)
{
    llimiter *ll = (llimiter *)luaL_checkudata(L, 1, DK_MT_LIMITER);
    if (ll->l == NULL) {
        lua_pushliteral(L, "limiter (closed)");
        return 1;
    }
    const dk_limiter_config *c = dk_limiter_get_config(ll->l);
    char rate[32];
    dk_format_rate(c->rate, rate, sizeof rate);
    lua_pushfstring(L, "limiter (%s, %s, burst %d%s)", dk_limiter_algorithm_name(c->algorithm),
                    rate, (int)c->burst, ll->per_key ? ", per key" : "");
    return 1;
}

static const luaL_Reg methods[] = {
    {"allow", m_allow}, {"keys", m_keys}, {"close", m_close}, {NULL, NULL}};

void dk_l_open_limiter(lua_State *L)
{
    dk_l_new_class(L, DK_MT_LIMITER, methods, NULL, m_tostring, m_close);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_limiter);
    lua_setfield(L, -2, "limiter");
}
